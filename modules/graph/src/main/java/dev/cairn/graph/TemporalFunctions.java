package dev.cairn.graph;

import dev.cairn.graph.Temporal.Between;
import dev.cairn.graph.Temporal.Dur;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAccessor;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The temporal functions: date, localtime, time, localdatetime, datetime (from nothing, a string, a map or another
 * temporal value), their .truncate/.transaction/.statement/.realtime forms, datetime.fromepoch[millis], duration
 * (from a map or a string) and duration.between/inMonths/inDays/inSeconds.
 */
final class TemporalFunctions {
  private TemporalFunctions() {}

  enum Kind { DATE, LOCALTIME, TIME, LOCALDATETIME, DATETIME }

  static void register() {
    for (Kind k : Kind.values()) {
      String name = k.name().toLowerCase(Locale.ROOT);
      Functions.def(name, 0, 1, (c, a) -> a.isEmpty() ? now(c.clock(), k, null)
          : a.get(0) instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("timezone")
          ? now(c.clock(), k, m) : construct(k, a.get(0)));
      for (String clock : List.of("transaction", "statement", "realtime")) {
        // a query is its own transaction and statement: those clocks stand still while it runs
        Functions.def(name + "." + clock, 0, 1, (c, a) -> {
          Instant at = clock.equals("realtime") ? Instant.now() : c.clock();
          return a.isEmpty() ? now(at, k, null) : a.get(0) == null ? null : now(at, k, a.get(0));
        });
      }
      Functions.def(name + ".truncate", 2, 3, (c, a) -> a.get(1) == null ? null
          : truncate(k, string(a.get(0)), a.get(1), a.size() > 2 ? a.get(2) : null));
    }
    Functions.def("datetime.fromepoch", 2, 2, (c, a) -> a.get(0) == null || a.get(1) == null ? null
        : epoch(Instant.ofEpochSecond(integer(a.get(0)), integer(a.get(1)))));
    Functions.def("datetime.fromepochmillis", 1, 1, (c, a) -> a.get(0) == null ? null
        : epoch(Instant.ofEpochMilli(integer(a.get(0)))));
    Functions.def("duration", 1, 1, (c, a) -> duration(a.get(0)));
    Functions.def("duration.between", 2, 2, (c, a) -> between(a, Between.ALL));
    Functions.def("duration.inmonths", 2, 2, (c, a) -> between(a, Between.MONTHS));
    Functions.def("duration.indays", 2, 2, (c, a) -> between(a, Between.DAYS));
    Functions.def("duration.inseconds", 2, 2, (c, a) -> between(a, Between.SECONDS));
  }

  private static Object epoch(Instant i) {
    try {
      return ZonedDateTime.ofInstant(i, ZoneOffset.UTC);
    } catch (DateTimeException e) {
      throw CypherException.argument(e.getMessage());
    }
  }

  private static Object between(List<Object> a, Between kind) {
    if (a.get(0) == null || a.get(1) == null) {
      return null;
    }
    for (Object o : a) {
      if (!Temporal.isTemporal(o) || o instanceof Dur) {
        throw CypherException.typeMismatch("a temporal value", o);
      }
    }
    return Temporal.between(a.get(0), a.get(1), kind);
  }

  private static String string(Object v) {
    if (v instanceof String s) {
      return s;
    }
    throw CypherException.typeMismatch("String", v);
  }

  private static long integer(Object v) {
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Double d && d == Math.rint(d)) {
      return d.longValue();
    }
    throw CypherException.typeMismatch("Integer", v);
  }

  private static Object now(Instant at, Kind k, Object tz) {
    ZoneId zone = tz == null ? ZoneOffset.UTC : tz instanceof String s ? Temporal.zone(s)
        : tz instanceof Map<?, ?> m && m.get("timezone") instanceof String s ? Temporal.zone(s) : null;
    if (zone == null) {
      throw CypherException.typeMismatch("String or Map", tz);
    }
    ZonedDateTime n = ZonedDateTime.ofInstant(at, zone);
    return switch (k) {
      case DATE -> n.toLocalDate();
      case LOCALTIME -> n.toLocalTime();
      case TIME -> n.toOffsetDateTime().toOffsetTime();
      case LOCALDATETIME -> n.toLocalDateTime();
      case DATETIME -> n;
    };
  }

  static Object construct(Kind k, Object v) {
    if (v == null) {
      return null;
    }
    try {
      if (v instanceof String s) {
        return switch (k) {
          case DATE -> Temporal.parseDate(s);
          case LOCALTIME -> Temporal.parseLocalTime(s);
          case TIME -> Temporal.parseTime(s);
          case LOCALDATETIME -> Temporal.parseLocalDateTime(s);
          case DATETIME -> Temporal.parseDateTime(s);
        };
      }
      if (v instanceof Map<?, ?> m) {
        return fromMap(k, m);
      }
      if (Temporal.isTemporal(v) && !(v instanceof Dur)) {
        Map<String, Object> m = new HashMap<>();
        m.put(Temporal.hasDate(v) && Temporal.hasTime(v) ? "datetime" : Temporal.hasDate(v) ? "date" : "time", v);
        return fromMap(k, m);
      }
    } catch (DateTimeException e) {
      throw CypherException.argument(e.getMessage());
    }
    throw CypherException.typeMismatch("String or Map", v);
  }

  /** A temporal from a map of fields, over the temporal values the map selects from (date, time, datetime). */
  static Object fromMap(Kind k, Map<?, ?> raw) {
    Map<String, Object> m = new HashMap<>();
    raw.forEach((key, val) -> m.put(((String) key).toLowerCase(Locale.ROOT), val));
    LocalDate baseDate = null;
    LocalTime baseTime = null;
    ZoneId baseZone = null;
    Object dt = m.remove("datetime");
    Object d = m.remove("date");
    Object t = m.remove("time");
    for (Object b : new Object[] {dt, d}) {
      if (b != null && baseDate == null && Temporal.hasDate(b)) {
        baseDate = LocalDate.from((TemporalAccessor) b);
      }
    }
    // a date selects only the date: the time and the zone come from time or datetime
    for (Object b : new Object[] {t, dt}) {
      if (b != null && baseTime == null && Temporal.hasTime(b)) {
        baseTime = LocalTime.from((TemporalAccessor) b);
        baseZone = b instanceof ZonedDateTime z ? z.getZone() : b instanceof OffsetTime o ? o.getOffset() : null;
      }
    }
    return build(k, baseDate, baseTime, baseZone, m);
  }

  private static Long field(Map<String, Object> m, String name) {
    Object v = m.get(name);
    if (v == null) {
      return null;
    }
    return integer(v);
  }

  static Object build(Kind k, LocalDate baseDate, LocalTime baseTime, ZoneId baseZone, Map<String, Object> m) {
    ZoneId tz = m.get("timezone") == null ? null : Temporal.zone(string(m.get("timezone")));
    if (m.containsKey("epochseconds") || m.containsKey("epochmillis")) {
      Instant i = m.containsKey("epochmillis") ? Instant.ofEpochMilli(field(m, "epochmillis"))
          : Instant.ofEpochSecond(field(m, "epochseconds"));
      ZonedDateTime z = ZonedDateTime.ofInstant(i, tz == null ? ZoneOffset.UTC : tz);
      baseDate = z.toLocalDate();
      baseTime = z.toLocalTime();
      baseZone = z.getZone();
      tz = null;
    }
    LocalDate date = null;
    if (k == Kind.DATE || k == Kind.LOCALDATETIME || k == Kind.DATETIME) {
      date = date(baseDate, m);
    }
    LocalTime time = null;
    if (k != Kind.DATE) {
      time = time(baseTime, m);
    }
    if (tz != null && baseZone != null && (k == Kind.TIME || k == Kind.DATETIME)) {
      // a value with a zone moved to another zone keeps its instant
      ZonedDateTime z = ZonedDateTime.of(date == null ? LocalDate.of(1970, 1, 1) : date, time, baseZone)
          .withZoneSameInstant(tz);
      date = date == null ? null : z.toLocalDate();
      time = z.toLocalTime();
    }
    ZoneId zone = tz != null ? tz : baseZone != null ? baseZone : ZoneOffset.UTC;
    return switch (k) {
      case DATE -> date;
      case LOCALTIME -> time;
      case TIME -> OffsetTime.of(time, zone instanceof ZoneOffset o ? o
          : zone.getRules().getOffset(baseDate != null ? LocalDateTime.of(baseDate, time) : LocalDateTime.now(zone)));
      case LOCALDATETIME -> LocalDateTime.of(date, time);
      case DATETIME -> ZonedDateTime.of(LocalDateTime.of(date, time), zone);
    };
  }

  private static LocalDate date(LocalDate base, Map<String, Object> m) {
    Long year = field(m, "year");
    Long month = field(m, "month");
    Long day = field(m, "day");
    Long week = field(m, "week");
    Long dow = field(m, "dayofweek");
    Long quarter = field(m, "quarter");
    Long doq = field(m, "dayofquarter");
    Long ordinal = field(m, "ordinalday");
    if (base == null && year == null) {
      throw CypherException.argument("year must be specified");
    }
    if (week != null || dow != null) {
      int wy = year != null ? year.intValue() : base.get(IsoFields.WEEK_BASED_YEAR);
      int w = week != null ? week.intValue() : base.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
      int wd = dow != null ? dow.intValue() : base != null ? base.getDayOfWeek().getValue() : 1;
      return Temporal.weekDate(wy, w, wd);
    }
    int y = year != null ? Math.toIntExact(year) : base.getYear();
    if (ordinal != null) {
      return LocalDate.ofYearDay(y, ordinal.intValue());
    }
    if (quarter != null || doq != null) {
      int q = quarter != null ? quarter.intValue() : base.get(IsoFields.QUARTER_OF_YEAR);
      int dq = doq != null ? doq.intValue() : base != null ? base.get(IsoFields.DAY_OF_QUARTER) : 1;
      if (q < 1 || q > 4) {
        throw CypherException.argument("Invalid value for QuarterOfYear: " + q);
      }
      LocalDate start = LocalDate.of(y, (q - 1) * 3 + 1, 1);
      if (dq < 1 || dq > start.range(IsoFields.DAY_OF_QUARTER).getMaximum()) {
        throw CypherException.argument("Invalid value for DayOfQuarter: " + dq);
      }
      return start.plusDays(dq - 1);
    }
    int mo = month != null ? month.intValue() : base != null ? base.getMonthValue() : 1;
    int da = day != null ? day.intValue() : base != null ? base.getDayOfMonth() : 1;
    if (base == null && day != null && month == null) {
      throw CypherException.argument("month must be specified");
    }
    return LocalDate.of(y, mo, da);
  }

  private static LocalTime time(LocalTime base, Map<String, Object> m) {
    Long hour = field(m, "hour");
    Long minute = field(m, "minute");
    Long second = field(m, "second");
    Long ms = field(m, "millisecond");
    Long us = field(m, "microsecond");
    Long ns = field(m, "nanosecond");
    if (base == null) {
      if (hour == null && (minute != null || second != null)) {
        throw CypherException.argument("hour must be specified");
      }
      if (minute == null && second != null) {
        throw CypherException.argument("minute must be specified");
      }
    }
    // over a base value each of millisecond, microsecond, nanosecond replaces its three digits of the fraction;
    // alone (no base), the finest one given may carry the coarser digits too
    long nano = base != null ? base.getNano() : 0;
    if (ms != null) {
      if (ms < 0 || ms > 999) {
        throw CypherException.argument("Invalid value for Millisecond: " + ms);
      }
      nano = ms * 1_000_000 + (base != null ? nano % 1_000_000 : 0);
    }
    if (us != null) {
      boolean keep = ms != null || (base != null && us < 1000);
      if (us < 0 || us > (ms != null ? 999 : 999_999)) {
        throw CypherException.argument("Invalid value for Microsecond: " + us);
      }
      nano = (keep ? nano / 1_000_000 * 1_000_000 : 0) + us * 1000 + (base != null ? nano % 1000 : 0);
    }
    if (ns != null) {
      boolean keep = ms != null || us != null || (base != null && ns < 1000);
      long max = us != null ? 999 : ms != null ? 999_999 : 999_999_999;
      if (ns < 0 || ns > max) {
        throw CypherException.argument("Invalid value for Nanosecond: " + ns);
      }
      nano = (keep ? nano / 1000 * 1000 : 0) + ns;
    }
    return LocalTime.of(hour != null ? hour.intValue() : base != null ? base.getHour() : 0,
        minute != null ? minute.intValue() : base != null ? base.getMinute() : 0,
        second != null ? second.intValue() : base != null ? base.getSecond() : 0, (int) nano);
  }

  /** X.truncate(unit, value [, map]): the value cut to the unit, then the map's fields set as in X(map). */
  static Object truncate(Kind k, String unit, Object v, Object overrides) {
    if (!Temporal.isTemporal(v) || v instanceof Dur) {
      throw CypherException.typeMismatch("a temporal value", v);
    }
    String u = unit.toLowerCase(Locale.ROOT);
    LocalDate d = Temporal.hasDate(v) ? LocalDate.from((TemporalAccessor) v) : null;
    LocalTime t = Temporal.hasTime(v) ? LocalTime.from((TemporalAccessor) v) : LocalTime.MIDNIGHT;
    ZoneId zone = v instanceof ZonedDateTime z ? z.getZone() : v instanceof OffsetTime o ? o.getOffset() : null;
    boolean dateUnit = switch (u) {
      case "millennium", "century", "decade", "year", "weekyear", "quarter", "month", "week", "day" -> true;
      case "hour", "minute", "second", "millisecond", "microsecond" -> false;
      default -> throw CypherException.argument("Unit `" + unit + "` is not supported");
    };
    if (dateUnit) {
      if ((k == Kind.LOCALTIME || k == Kind.TIME) && !u.equals("day")) {
        throw CypherException.argument("Unit `" + unit + "` is not supported for " + k.name().toLowerCase());
      }
      if (d == null && !u.equals("day")) {
        throw CypherException.argument("Cannot truncate a value without a date to `" + unit + "`");
      }
      d = switch (u) {
        case "millennium" -> LocalDate.of(Math.floorDiv(d.getYear(), 1000) * 1000, 1, 1);
        case "century" -> LocalDate.of(Math.floorDiv(d.getYear(), 100) * 100, 1, 1);
        case "decade" -> LocalDate.of(Math.floorDiv(d.getYear(), 10) * 10, 1, 1);
        case "year" -> LocalDate.of(d.getYear(), 1, 1);
        case "weekyear" -> Temporal.weekDate(d.get(IsoFields.WEEK_BASED_YEAR), 1, 1);
        case "quarter" -> LocalDate.of(d.getYear(), (d.get(IsoFields.QUARTER_OF_YEAR) - 1) * 3 + 1, 1);
        case "month" -> d.withDayOfMonth(1);
        case "week" -> d.minusDays(d.getDayOfWeek().getValue() - 1);
        default -> d; // day
      };
      t = LocalTime.MIDNIGHT;
    } else {
      t = t.truncatedTo(switch (u) {
        case "hour" -> ChronoUnit.HOURS;
        case "minute" -> ChronoUnit.MINUTES;
        case "second" -> ChronoUnit.SECONDS;
        case "millisecond" -> ChronoUnit.MILLIS;
        default -> ChronoUnit.MICROS;
      });
    }
    Map<String, Object> m = new HashMap<>();
    if (overrides instanceof Map<?, ?> o) {
      o.forEach((key, val) -> m.put(((String) key).toLowerCase(Locale.ROOT), val));
    } else if (overrides != null) {
      throw CypherException.typeMismatch("Map", overrides);
    }
    if (m.get("timezone") != null && zone != null) {
      // the truncated fields are kept as they are; the map's zone replaces the value's
      zone = Temporal.zone(string(m.remove("timezone")));
    }
    if ((k == Kind.DATE || k == Kind.LOCALDATETIME || k == Kind.DATETIME) && d == null) {
      throw CypherException.argument("Cannot make a " + k.name().toLowerCase() + " from a value without a date");
    }
    return build(k, d, t, zone, m);
  }

  /** duration(map or string); null for null. */
  static Object duration(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return Temporal.parseDuration(s);
    }
    if (v instanceof Dur) {
      return v;
    }
    if (!(v instanceof Map<?, ?> raw)) {
      throw CypherException.typeMismatch("String or Map", v);
    }
    Map<String, BigDecimal> m = new HashMap<>();
    raw.forEach((key, val) -> {
      if (val == null) {
        return;
      }
      if (!(val instanceof Number n)) {
        throw CypherException.typeMismatch("Integer or Float", val);
      }
      m.put(((String) key).toLowerCase(Locale.ROOT), n instanceof Long l ? BigDecimal.valueOf(l)
          : BigDecimal.valueOf(n.doubleValue()));
    });
    BigDecimal months = part(m, "years", 12).add(part(m, "quarters", 3)).add(part(m, "months", 1));
    BigDecimal days = part(m, "weeks", 7).add(part(m, "days", 1));
    BigDecimal secs = part(m, "hours", 3600).add(part(m, "minutes", 60)).add(part(m, "seconds", 1));
    BigDecimal nanos = part(m, "milliseconds", 1_000_000).add(part(m, "microseconds", 1000))
        .add(part(m, "nanoseconds", 1));
    return Temporal.approximate(months, days, secs, nanos);
  }

  private static BigDecimal part(Map<String, BigDecimal> m, String name, long unit) {
    BigDecimal v = m.get(name);
    return v == null ? BigDecimal.ZERO : v.multiply(BigDecimal.valueOf(unit));
  }
}
