package dev.cairn.graph;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cypher's temporal values as openCypher defines them (after Neo4j, which the TCK follows): Date is a
 * {@link LocalDate}, LocalTime a {@link LocalTime}, Time an {@link OffsetTime}, LocalDateTime a
 * {@link LocalDateTime}, DateTime a {@link ZonedDateTime} (an offset or a named zone), Duration a {@link Dur}.
 * Their text is java.time's ISO form, which is the form openCypher prints; a time without a zone is in UTC.
 */
final class Temporal {
  private Temporal() {}

  static final long NANOS = 1_000_000_000L;
  static final long SECONDS_PER_DAY = 86_400L;
  /** The average month openCypher uses for fractions of a month: 30.436875 days. */
  static final long AVG_SECONDS_PER_MONTH = 2_629_746L;

  /**
   * A duration: months, days and seconds kept apart (a month or a day has no fixed length), nanoseconds of the second
   * in 0..999,999,999 (so -0.1 s is seconds -1, nanos 900,000,000).
   */
  record Dur(long months, long days, long seconds, long nanos) implements Comparable<Dur> {
    static Dur of(long months, long days, long seconds, long nanos) {
      long s = Math.addExact(seconds, Math.floorDiv(nanos, NANOS));
      return new Dur(months, days, s, Math.floorMod(nanos, NANOS));
    }

    Dur negate() {
      return of(-months, -days, -seconds, -nanos);
    }

    Dur plus(Dur o) {
      return of(Math.addExact(months, o.months), Math.addExact(days, o.days), Math.addExact(seconds, o.seconds),
          nanos + o.nanos);
    }

    @Override
    public int compareTo(Dur o) {
      int c = Long.compare(months, o.months);
      c = c != 0 ? c : Long.compare(days, o.days);
      c = c != 0 ? c : Long.compare(seconds, o.seconds);
      return c != 0 ? c : Long.compare(nanos, o.nanos);
    }

    /** openCypher's text: P[nY][nM][nD][T[nH][nM][n.nnnS]], every part with its own sign, PT0S when zero. */
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("P");
      long y = months / 12;
      long m = months % 12;
      if (y != 0) {
        sb.append(y).append('Y');
      }
      if (m != 0) {
        sb.append(m).append('M');
      }
      if (days != 0) {
        sb.append(days).append('D');
      }
      long s = seconds;
      long n = nanos;
      boolean negative = s < 0;
      if (s < 0 && n > 0) {
        s += 1;
        n = NANOS - n;
      }
      long h = s / 3600;
      long mi = (s % 3600) / 60;
      long sec = s % 60;
      if (h != 0 || mi != 0 || sec != 0 || n != 0) {
        sb.append('T');
        if (h != 0) {
          sb.append(h).append('H');
        }
        if (mi != 0) {
          sb.append(mi).append('M');
        }
        if (sec != 0 || n != 0) {
          if (negative && sec == 0) {
            sb.append('-');
          }
          sb.append(sec);
          if (n != 0) {
            String f = String.format("%09d", n);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
              end--;
            }
            sb.append('.').append(f, 0, end);
          }
          sb.append('S');
        }
      }
      return sb.length() == 1 ? "PT0S" : sb.toString();
    }
  }

  static boolean isTemporal(Object v) {
    return v instanceof LocalDate || v instanceof LocalTime || v instanceof OffsetTime || v instanceof LocalDateTime
        || v instanceof ZonedDateTime || v instanceof Dur;
  }

  /** The openCypher type name, or null when {@code v} is not temporal. */
  static String typeName(Object v) {
    if (v instanceof LocalDate) {
      return "Date";
    } else if (v instanceof LocalTime) {
      return "LocalTime";
    } else if (v instanceof OffsetTime) {
      return "Time";
    } else if (v instanceof LocalDateTime) {
      return "LocalDateTime";
    } else if (v instanceof ZonedDateTime) {
      return "DateTime";
    } else if (v instanceof Dur) {
      return "Duration";
    }
    return null;
  }

  /** ORDER BY's rank among the temporal types (DateTime, LocalDateTime, Date, Time, LocalTime, Duration). */
  static int rank(Object v) {
    if (v instanceof ZonedDateTime) {
      return 0;
    } else if (v instanceof LocalDateTime) {
      return 1;
    } else if (v instanceof LocalDate) {
      return 2;
    } else if (v instanceof OffsetTime) {
      return 3;
    } else if (v instanceof LocalTime) {
      return 4;
    }
    return 5;
  }

  static String text(Object v) {
    return v.toString();
  }

  /** Cypher '<' between two temporals: null when they are not of one type (durations are not ordered). */
  static Integer compare(Object a, Object b) {
    if (a.getClass() != b.getClass() || a instanceof Dur) {
      return null;
    }
    return orderCompare(a, b);
  }

  /** The order of two values of one temporal type (ORDER BY; durations by their parts). */
  @SuppressWarnings("unchecked")
  static int orderCompare(Object a, Object b) {
    if (a instanceof ZonedDateTime x) {
      int c = x.toInstant().compareTo(((ZonedDateTime) b).toInstant());
      return c != 0 ? c : x.compareTo((ZonedDateTime) b);
    }
    if (a instanceof OffsetTime x) {
      return x.compareTo((OffsetTime) b);
    }
    return ((Comparable<Object>) a).compareTo(b);
  }

  // ------------------------------------------------------------------------------------------------ arithmetic

  /** temporal + duration, duration + duration; null when neither applies. */
  static Object add(Object a, Object b) {
    if (a instanceof Dur x && b instanceof Dur y) {
      return overflowChecked(() -> x.plus(y));
    }
    if (a instanceof Dur x && !(b instanceof Dur) && isTemporal(b)) {
      return plus(b, x);
    }
    if (b instanceof Dur y && isTemporal(a)) {
      return plus(a, y);
    }
    return null;
  }

  static Object sub(Object a, Object b) {
    if (b instanceof Dur y && isTemporal(a)) {
      return a instanceof Dur x ? overflowChecked(() -> x.plus(y.negate())) : plus(a, y.negate());
    }
    return null;
  }

  private static Object overflowChecked(java.util.function.Supplier<Object> f) {
    try {
      return f.get();
    } catch (ArithmeticException | DateTimeException e) {
      throw CypherException.argument("Duration or temporal value out of range");
    }
  }

  /** A temporal plus a duration: months and days on the calendar, seconds on the clock (whole days for a date). */
  static Object plus(Object t, Dur d) {
    return overflowChecked(() -> {
      if (t instanceof LocalDate x) {
        return x.plusMonths(d.months()).plusDays(d.days()).plusDays(d.seconds() / SECONDS_PER_DAY
            + (d.seconds() < 0 && d.nanos() > 0 && (d.seconds() + 1) % SECONDS_PER_DAY == 0 ? 1 : 0));
      } else if (t instanceof LocalTime x) {
        return x.plusSeconds(d.seconds()).plusNanos(d.nanos());
      } else if (t instanceof OffsetTime x) {
        return x.plusSeconds(d.seconds()).plusNanos(d.nanos());
      } else if (t instanceof LocalDateTime x) {
        return x.plusMonths(d.months()).plusDays(d.days()).plusSeconds(d.seconds()).plusNanos(d.nanos());
      } else if (t instanceof ZonedDateTime x) {
        return x.plusMonths(d.months()).plusDays(d.days()).plusSeconds(d.seconds()).plusNanos(d.nanos());
      }
      throw CypherException.typeMismatch("a temporal value", t);
    });
  }

  /** duration * number and duration / number: exact for an integer factor, else through the average month/day. */
  static Object mulDiv(String op, Object a, Object b) {
    Dur d;
    Object n;
    if (a instanceof Dur x && b instanceof Number) {
      d = x;
      n = b;
    } else if (b instanceof Dur y && a instanceof Number && op.equals("*")) {
      d = y;
      n = a;
    } else {
      return null;
    }
    if (op.equals("*") && n instanceof Long l) {
      return overflowChecked(() -> Dur.of(Math.multiplyExact(d.months(), l), Math.multiplyExact(d.days(), l),
          Math.multiplyExact(d.seconds(), l), Math.multiplyExact(d.nanos(), l)));
    }
    if (op.equals("%")) {
      return null;
    }
    BigDecimal f = n instanceof Long l ? BigDecimal.valueOf(l) : BigDecimal.valueOf(((Number) n).doubleValue());
    if (op.equals("/") && f.signum() == 0) {
      throw CypherException.argument("Division by zero");
    }
    java.util.function.Function<Long, BigDecimal> scale = op.equals("*")
        ? v -> BigDecimal.valueOf(v).multiply(f)
        : v -> BigDecimal.valueOf(v).divide(f, 30, RoundingMode.HALF_EVEN);
    return approximate(scale.apply(d.months()), scale.apply(d.days()), scale.apply(d.seconds()),
        scale.apply(d.nanos()));
  }

  /** A duration from fractional parts: a month's fraction goes to days (average month), a day's to seconds. */
  static Dur approximate(BigDecimal months, BigDecimal days, BigDecimal seconds, BigDecimal nanos) {
    try {
      long m = months.longValue();
      BigDecimal monthRest = months.subtract(BigDecimal.valueOf(m));
      days = days.add(monthRest.multiply(BigDecimal.valueOf(AVG_SECONDS_PER_MONTH))
          .divide(BigDecimal.valueOf(SECONDS_PER_DAY), 30, RoundingMode.HALF_EVEN));
      long dd = days.longValue();
      seconds = seconds.add(days.subtract(BigDecimal.valueOf(dd)).multiply(BigDecimal.valueOf(SECONDS_PER_DAY)));
      long s = seconds.longValue();
      nanos = nanos.add(seconds.subtract(BigDecimal.valueOf(s)).multiply(BigDecimal.valueOf(NANOS)));
      long n = nanos.setScale(0, RoundingMode.DOWN).longValueExact();
      return Dur.of(m, dd, s, n);
    } catch (ArithmeticException e) {
      throw CypherException.argument("Duration out of range");
    }
  }

  // ------------------------------------------------------------------------------------------------ components

  /** {@code t.key}: a temporal's component, or null for a name it does not have. */
  static Object component(Object v, String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    if (v instanceof Dur d) {
      return durationComponent(d, k);
    }
    TemporalAccessor t = (TemporalAccessor) v;
    boolean date = v instanceof LocalDate || v instanceof LocalDateTime || v instanceof ZonedDateTime;
    boolean time = !(v instanceof LocalDate);
    boolean zone = v instanceof OffsetTime || v instanceof ZonedDateTime;
    if (date) {
      LocalDate d = LocalDate.from(t);
      switch (k) {
        case "year":
          return (long) d.getYear();
        case "quarter":
          return (long) d.get(IsoFields.QUARTER_OF_YEAR);
        case "month":
          return (long) d.getMonthValue();
        case "week":
          return (long) d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
        case "weekyear":
          return (long) d.get(IsoFields.WEEK_BASED_YEAR);
        case "day":
          return (long) d.getDayOfMonth();
        case "ordinalday":
          return (long) d.getDayOfYear();
        case "weekday":
        case "dayofweek":
          return (long) d.getDayOfWeek().getValue();
        case "dayofquarter":
          return (long) d.get(IsoFields.DAY_OF_QUARTER);
        default:
          break;
      }
    }
    if (time) {
      LocalTime lt = LocalTime.from(t);
      switch (k) {
        case "hour":
          return (long) lt.getHour();
        case "minute":
          return (long) lt.getMinute();
        case "second":
          return (long) lt.getSecond();
        case "millisecond":
          return (long) lt.getNano() / 1_000_000;
        case "microsecond":
          return (long) lt.getNano() / 1_000;
        case "nanosecond":
          return (long) lt.getNano();
        default:
          break;
      }
    }
    if (zone) {
      ZoneOffset off = v instanceof OffsetTime ot ? ot.getOffset() : ((ZonedDateTime) v).getOffset();
      switch (k) {
        case "timezone":
          return v instanceof ZonedDateTime z ? z.getZone().getId() : off.getId();
        case "offset":
          return off.getId();
        case "offsetminutes":
          return (long) off.getTotalSeconds() / 60;
        case "offsetseconds":
          return (long) off.getTotalSeconds();
        default:
          break;
      }
    }
    if (v instanceof ZonedDateTime z) {
      if (k.equals("epochseconds")) {
        return z.toEpochSecond();
      }
      if (k.equals("epochmillis")) {
        return z.toInstant().toEpochMilli();
      }
    }
    return null;
  }

  private static Object durationComponent(Dur d, String k) {
    long s = d.seconds();
    long n = d.nanos();
    return switch (k) {
      case "years" -> d.months() / 12;
      case "quarters" -> d.months() / 3;
      case "months" -> d.months();
      case "weeks" -> d.days() / 7;
      case "days" -> d.days();
      case "hours" -> s / 3600;
      case "minutes" -> s / 60;
      case "seconds" -> s;
      case "milliseconds" -> s * 1000 + n / 1_000_000;
      case "microseconds" -> s * 1_000_000 + n / 1000;
      case "nanoseconds" -> s * NANOS + n;
      case "quartersofyear" -> (d.months() / 3) % 4;
      case "monthsofquarter" -> d.months() % 3;
      case "monthsofyear" -> d.months() % 12;
      case "daysofweek" -> d.days() % 7;
      case "minutesofhour" -> (s / 60) % 60;
      case "secondsofminute" -> s % 60;
      case "millisecondsofsecond" -> n / 1_000_000;
      case "microsecondsofsecond" -> n / 1000;
      case "nanosecondsofsecond" -> n;
      default -> null;
    };
  }

  // ------------------------------------------------------------------------------------------------ parsing

  private static final Pattern DATE = Pattern.compile(
      "([+-]\\d{1,9}|\\d{4})(?:(-?)(?:(\\d{2})(?:\\2(\\d{2}))?|W(\\d{2})(?:\\2(\\d))?|(\\d{3})))?");
  private static final Pattern TIME = Pattern.compile(
      "(\\d{2})(?::?(\\d{2})(?::?(\\d{2})(?:[.,](\\d{1,9}))?)?)?");
  private static final Pattern ZONE = Pattern.compile(
      "(Z|[+-]\\d{2}(?::?\\d{2}(?::?\\d{2})?)?)?(?:\\[([^\\]]+)])?");
  private static final Pattern DURATION = Pattern.compile("([-+]?)P(?:([-+]?[0-9.,]+)Y)?(?:([-+]?[0-9.,]+)M)?"
      + "(?:([-+]?[0-9.,]+)W)?(?:([-+]?[0-9.,]+)D)?(?:T(?:([-+]?[0-9.,]+)H)?(?:([-+]?[0-9.,]+)M)?"
      + "(?:([-+]?[0-9.,]+)S)?)?");
  private static final Pattern DURATION_ALT = Pattern.compile(
      "([-+]?)P(\\d{4})-?(\\d{2})-?(\\d{2})T(\\d{2}):?(\\d{2}):?(\\d{2}(?:[.,]\\d+)?)");

  static CypherException badText(String what, String s) {
    return CypherException.argument("Text cannot be parsed to a " + what + ": " + s);
  }

  static LocalDate parseDate(String s) {
    Matcher m = DATE.matcher(s);
    if (!m.matches()) {
      throw badText("Date", s);
    }
    try {
      int year = Integer.parseInt(m.group(1));
      if (m.group(5) != null) {
        int week = Integer.parseInt(m.group(5));
        int dow = m.group(6) == null ? 1 : Integer.parseInt(m.group(6));
        return weekDate(year, week, dow);
      }
      if (m.group(7) != null) {
        return LocalDate.ofYearDay(year, Integer.parseInt(m.group(7)));
      }
      int month = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
      int day = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
      return LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      throw CypherException.argument(e.getMessage());
    }
  }

  static LocalDate weekDate(int weekYear, int week, int dow) {
    LocalDate jan4 = LocalDate.of(weekYear, 1, 4);
    int maxWeek = (int) jan4.range(IsoFields.WEEK_OF_WEEK_BASED_YEAR).getMaximum();
    if (week < 1 || week > maxWeek || dow < 1 || dow > 7) {
      throw CypherException.argument("Invalid week date: " + weekYear + " week " + week + " day " + dow);
    }
    return jan4.with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, week).with(java.time.temporal.ChronoField.DAY_OF_WEEK, dow);
  }

  static LocalTime parseLocalTime(String s) {
    Matcher m = TIME.matcher(s);
    if (!m.matches()) {
      throw badText("LocalTime", s);
    }
    return localTime(m, s);
  }

  private static LocalTime localTime(Matcher m, String s) {
    try {
      int h = Integer.parseInt(m.group(1));
      int mi = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
      int sec = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
      int nano = 0;
      if (m.group(4) != null) {
        String f = (m.group(4) + "000000000").substring(0, 9);
        nano = Integer.parseInt(f);
      }
      return LocalTime.of(h, mi, sec, nano);
    } catch (DateTimeException e) {
      throw CypherException.argument(e.getMessage());
    }
  }

  /** Splits a time text into its time and zone parts: {time, offset or null, zone name or null}. */
  private static String[] splitZone(String s) {
    int i = 0;
    while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == ':' || s.charAt(i) == '.'
        || s.charAt(i) == ',')) {
      i++;
    }
    Matcher z = ZONE.matcher(s.substring(i));
    if (!z.matches()) {
      return null;
    }
    return new String[] {s.substring(0, i), z.group(1), z.group(2)};
  }

  static ZoneOffset offset(String o) {
    try {
      if (o.equals("Z")) {
        return ZoneOffset.UTC;
      }
      String t = o.replace(":", "");
      int sign = t.charAt(0) == '-' ? -1 : 1;
      int h = Integer.parseInt(t.substring(1, 3));
      int m = t.length() >= 5 ? Integer.parseInt(t.substring(3, 5)) : 0;
      int sec = t.length() >= 7 ? Integer.parseInt(t.substring(5, 7)) : 0;
      return ZoneOffset.ofHoursMinutesSeconds(sign * h, sign * m, sign * sec);
    } catch (DateTimeException | NumberFormatException e) {
      throw CypherException.argument("Invalid time zone offset: " + o);
    }
  }

  static ZoneId zone(String name) {
    if (name.equals("Z") || name.startsWith("+") || name.startsWith("-")) {
      return offset(name);
    }
    try {
      return ZoneId.of(name);
    } catch (DateTimeException e) {
      throw CypherException.argument("Invalid time zone: " + name);
    }
  }

  static OffsetTime parseTime(String s) {
    String[] p = splitZone(s);
    Matcher m = p == null ? null : TIME.matcher(p[0]);
    if (m == null || !m.matches()) {
      throw badText("Time", s);
    }
    LocalTime lt = localTime(m, s);
    ZoneOffset off = p[1] != null ? offset(p[1])
        : p[2] != null ? zone(p[2]).getRules().getOffset(java.time.Instant.now()) : ZoneOffset.UTC;
    return OffsetTime.of(lt, off);
  }

  static LocalDateTime parseLocalDateTime(String s) {
    int t = s.indexOf('T');
    if (t < 0) {
      return parseDate(s).atStartOfDay();
    }
    return LocalDateTime.of(parseDate(s.substring(0, t)), parseLocalTime(s.substring(t + 1)));
  }

  static ZonedDateTime parseDateTime(String s) {
    int t = s.indexOf('T');
    if (t < 0) {
      return ZonedDateTime.of(parseDate(s).atStartOfDay(), ZoneOffset.UTC);
    }
    LocalDate d = parseDate(s.substring(0, t));
    String[] p = splitZone(s.substring(t + 1));
    Matcher m = p == null ? null : TIME.matcher(p[0]);
    if (m == null || !m.matches()) {
      throw badText("DateTime", s);
    }
    LocalDateTime ldt = LocalDateTime.of(d, localTime(m, s));
    try {
      if (p[2] != null) {
        ZoneId z = zone(p[2]);
        return p[1] != null ? ZonedDateTime.ofLocal(ldt, z, offset(p[1])) : ZonedDateTime.of(ldt, z);
      }
      return ZonedDateTime.of(ldt, p[1] != null ? offset(p[1]) : ZoneOffset.UTC);
    } catch (DateTimeException e) {
      throw CypherException.argument(e.getMessage());
    }
  }

  static Dur parseDuration(String s) {
    Matcher a = DURATION_ALT.matcher(s);
    if (a.matches()) {
      BigDecimal months = dec(a.group(2)).multiply(BigDecimal.valueOf(12)).add(dec(a.group(3)));
      BigDecimal secs = dec(a.group(5)).multiply(BigDecimal.valueOf(3600))
          .add(dec(a.group(6)).multiply(BigDecimal.valueOf(60))).add(dec(a.group(7)));
      Dur d = approximate(months, dec(a.group(4)), secs, BigDecimal.ZERO);
      return a.group(1).equals("-") ? d.negate() : d;
    }
    Matcher m = DURATION.matcher(s);
    if (!m.matches() || s.endsWith("T") || s.length() <= (m.group(1).isEmpty() ? 1 : 2)) {
      throw badText("Duration", s);
    }
    BigDecimal months = dec(m.group(2)).multiply(BigDecimal.valueOf(12)).add(dec(m.group(3)));
    BigDecimal days = dec(m.group(4)).multiply(BigDecimal.valueOf(7)).add(dec(m.group(5)));
    BigDecimal secs = dec(m.group(6)).multiply(BigDecimal.valueOf(3600))
        .add(dec(m.group(7)).multiply(BigDecimal.valueOf(60))).add(dec(m.group(8)));
    Dur d = approximate(months, days, secs, BigDecimal.ZERO);
    return m.group(1).equals("-") ? d.negate() : d;
  }

  private static BigDecimal dec(String s) {
    if (s == null) {
      return BigDecimal.ZERO;
    }
    try {
      return new BigDecimal(s.replace(',', '.'));
    } catch (NumberFormatException e) {
      throw badText("Duration", s);
    }
  }

  // ------------------------------------------------------------------------------------------------ between

  /** The kinds of {@code duration.between} and its inMonths/inDays/inSeconds forms. */
  enum Between { ALL, MONTHS, DAYS, SECONDS }

  /**
   * The duration from {@code a} to {@code b}: with dates on both sides, whole months, then whole days, then the rest
   * (a date counting as its midnight, a local value taking the other side's zone); otherwise the difference of the
   * times of day (in UTC when both sides have an offset).
   */
  static Dur between(Object a, Object b, Between kind) {
    boolean dates = hasDate(a) && hasDate(b);
    if (!dates && (hasDate(a) || hasDate(b))) {
      // a time of day is taken on the other side's date (and in its zone when it has none of its own)
      Object dated = hasDate(a) ? a : b;
      LocalDate day = LocalDate.from((TemporalAccessor) dated);
      java.util.function.Function<Object, Object> on = v -> hasDate(v) ? v
          : v instanceof OffsetTime t ? ZonedDateTime.of(day, t.toLocalTime(), t.getOffset())
          : dated instanceof ZonedDateTime z ? ZonedDateTime.of(day, (LocalTime) v, z.getZone())
          : LocalDateTime.of(day, (LocalTime) v);
      if (kind == Between.MONTHS || kind == Between.DAYS) {
        return new Dur(0, 0, 0, 0);
      }
      return between(on.apply(a), on.apply(b), Between.SECONDS);
    }
    if (!dates) {
      if (kind == Between.MONTHS || kind == Between.DAYS) {
        return new Dur(0, 0, 0, 0);
      }
      long x = nanoOfDay(a);
      long y = nanoOfDay(b);
      if (hasOffset(a) && hasOffset(b)) {
        x -= offsetOf(a).getTotalSeconds() * NANOS;
        y -= offsetOf(b).getTotalSeconds() * NANOS;
      }
      return Dur.of(0, 0, 0, y - x);
    }
    java.time.temporal.Temporal from;
    java.time.temporal.Temporal to;
    if (a instanceof ZonedDateTime || b instanceof ZonedDateTime) {
      ZoneId z = a instanceof ZonedDateTime za ? za.getZone() : ((ZonedDateTime) b).getZone();
      from = a instanceof ZonedDateTime za ? za : ZonedDateTime.of(localDateTime(a), z);
      to = b instanceof ZonedDateTime zb ? zb : ZonedDateTime.of(localDateTime(b), z);
    } else {
      from = localDateTime(a);
      to = localDateTime(b);
    }
    try {
      long months = 0;
      long days = 0;
      if (kind != Between.SECONDS && kind != Between.DAYS) {
        months = from.until(to, ChronoUnit.MONTHS);
        from = from.plus(months, ChronoUnit.MONTHS);
      }
      if (kind == Between.MONTHS) {
        return new Dur(months, 0, 0, 0);
      }
      if (kind != Between.SECONDS) {
        days = from.until(to, ChronoUnit.DAYS);
        from = from.plus(days, ChronoUnit.DAYS);
      }
      if (kind == Between.DAYS) {
        return new Dur(0, days, 0, 0);
      }
      long secs = from.until(to, ChronoUnit.SECONDS);
      from = from.plus(secs, ChronoUnit.SECONDS);
      return Dur.of(months, days, secs, from.until(to, ChronoUnit.NANOS));
    } catch (ArithmeticException | DateTimeException e) {
      throw CypherException.argument("Duration out of range");
    }
  }

  static boolean hasDate(Object v) {
    return v instanceof LocalDate || v instanceof LocalDateTime || v instanceof ZonedDateTime;
  }

  static boolean hasTime(Object v) {
    return v instanceof LocalTime || v instanceof OffsetTime || v instanceof LocalDateTime
        || v instanceof ZonedDateTime;
  }

  static boolean hasOffset(Object v) {
    return v instanceof OffsetTime || v instanceof ZonedDateTime;
  }

  static ZoneOffset offsetOf(Object v) {
    return v instanceof OffsetTime t ? t.getOffset() : ((ZonedDateTime) v).getOffset();
  }

  private static long nanoOfDay(Object v) {
    return hasTime(v) ? LocalTime.from((TemporalAccessor) v).toNanoOfDay() : 0;
  }

  static LocalDateTime localDateTime(Object v) {
    if (v instanceof LocalDate d) {
      return d.atStartOfDay();
    }
    return LocalDateTime.from((TemporalAccessor) v);
  }
}
