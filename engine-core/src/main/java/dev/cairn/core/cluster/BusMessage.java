package dev.cairn.core.cluster;

/** The message types of Redis's cluster bus (their numbers travel in the header) and their names in CLUSTER INFO. */
public final class BusMessage {
  private BusMessage() {}

  public static final int PING = 0;
  public static final int PONG = 1;
  public static final int MEET = 2;
  public static final int FAIL = 3;
  public static final int PUBLISH = 4;
  public static final int FAILOVER_AUTH_REQUEST = 5;
  public static final int FAILOVER_AUTH_ACK = 6;
  public static final int UPDATE = 7;
  public static final int MFSTART = 8;
  public static final int MODULE = 9;
  public static final int PUBLISHSHARD = 10;
  public static final int TYPE_COUNT = 11;

  static final String[] NAMES = {"ping", "pong", "meet", "fail", "publish", "auth-req", "auth-ack", "update",
      "mfstart", "module", "publishshard"};

  public static String name(int type) {
    return type >= 0 && type < NAMES.length ? NAMES[type] : "unknown";
  }
}
