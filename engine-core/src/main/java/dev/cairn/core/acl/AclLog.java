package dev.cairn.core.acl;

import dev.cairn.api.reply.Reply;
import dev.cairn.core.connection.ClientInfo;
import dev.cairn.core.connection.Session;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * ACL LOG: denied commands, keys, channels and failed AUTHs, newest first. An event like a recent one (same reason,
 * context, object and user, within 60 seconds) only counts again on that entry, as in Redis.
 */
final class AclLog {
  private static final long GROUPING_MILLIS = 60_000;

  static final class Entry {
    long count = 1;
    final int reason;
    final String context;
    final String object;
    final String username;
    final long entryId;
    final long created;
    long updated;
    String clientInfo;

    Entry(int reason, String context, String object, String username, long entryId, long now, String clientInfo) {
      this.reason = reason;
      this.context = context;
      this.object = object;
      this.username = username;
      this.entryId = entryId;
      this.created = now;
      this.updated = now;
      this.clientInfo = clientInfo;
    }
  }

  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long nextId;

  void add(int reason, String context, String object, String username, Session s, long now, int maxLen) {
    StringBuilder info = new StringBuilder();
    if (s != null) {
      ClientInfo.append(info, s, now);
    }
    for (Entry e : entries) {
      if (e.reason == reason && e.context.equals(context) && e.object.equals(object)
          && e.username.equals(username) && now - e.updated < GROUPING_MILLIS) {
        e.count++;
        e.updated = now;
        e.clientInfo = info.toString();
        entries.remove(e);
        entries.addFirst(e);
        return;
      }
    }
    entries.addFirst(new Entry(reason, context, object, username, nextId++, now, info.toString()));
    trim(maxLen);
  }

  void trim(int maxLen) {
    while (entries.size() > maxLen) {
      entries.removeLast();
    }
  }

  void reset() {
    entries.clear();
  }

  void write(Reply r, long count, long now) {
    int n = (int) Math.min(count, entries.size());
    r.array(n);
    Iterator<Entry> it = entries.iterator();
    for (int i = 0; i < n; i++) {
      Entry e = it.next();
      r.map(10);
      r.bulk("count");
      r.integer(e.count);
      r.bulk("reason");
      r.bulk(switch (e.reason) {
        case Acl.DENIED_CMD -> "command";
        case Acl.DENIED_KEY -> "key";
        case Acl.DENIED_AUTH -> "auth";
        default -> "channel";
      });
      r.bulk("context");
      r.bulk(e.context);
      r.bulk("object");
      r.bulk(e.object);
      r.bulk("username");
      r.bulk(e.username);
      r.bulk("age-seconds");
      r.doubleValue((now - e.created) / 1000.0);
      r.bulk("client-info");
      r.bulk(e.clientInfo);
      r.bulk("entry-id");
      r.integer(e.entryId);
      r.bulk("timestamp-created");
      r.integer(e.created);
      r.bulk("timestamp-last-updated");
      r.integer(e.updated);
    }
  }
}
