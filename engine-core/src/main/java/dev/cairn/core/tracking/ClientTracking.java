package dev.cairn.core.tracking;

import dev.cairn.core.blocking.ByteKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One client's CLIENT TRACKING state; a client with tracking off has none. */
public final class ClientTracking {
  boolean bcast;
  boolean optin;
  boolean optout;
  boolean noloop;
  /** CLIENT CACHING YES (OPTIN) or NO (OPTOUT) was given for the next command or transaction. */
  boolean caching;
  /** The client invalidations are redirected to has gone (CLIENT LIST flag R). */
  boolean brokenRedirect;
  /** The client id invalidations go to; 0 for this client itself. */
  long redirect;
  /** BCAST prefixes, as given (the empty prefix when none was). */
  final List<ByteKey> prefixes = new ArrayList<>();

  public boolean bcast() {
    return bcast;
  }

  public boolean brokenRedirect() {
    return brokenRedirect;
  }

  public long redirect() {
    return redirect;
  }

  /** How many BCAST prefixes the client has (client memory counts them, as Redis counts its prefix tree's nodes). */
  public int prefixCount() {
    return prefixes.size();
  }

  /** The prefixes in Redis's (byte-wise sorted) order. */
  List<byte[]> sortedPrefixes() {
    List<byte[]> out = new ArrayList<>();
    for (ByteKey k : prefixes) {
      out.add(k.bytes());
    }
    out.sort(Arrays::compareUnsigned);
    return out;
  }
}
