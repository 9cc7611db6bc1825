package dev.cairn.core.keyspace;

import java.util.Arrays;

/**
 * String values held in large pages instead of one {@code byte[]} per key, so that a SET leaves the garbage collector
 * nothing to copy or scan: the entry holds an {@code int} handle (a primitive store, no card marked, no young object
 * reachable from an old entry), and the bytes go into a slot of a page that lives in the old generation. Without it
 * every young collection copies every value SET since the last one and scans a dirty card per SET (100-300 ms pauses
 * at a 2M-key SET load); with it a young collection costs only the requests' garbage.
 *
 * <p>Pages are {@code byte[]}s as large as a G1 region (so each is a humongous object: allocated straight in the old
 * generation, never copied, one region each without waste); the first pages of a size class are small and double, so
 * that a database with a few strings does not hold megabytes. A page serves one size class: 16-byte steps up to 512
 * bytes, then steps of about 12% up to 64 KiB (slots are 16-byte aligned). A slot holds a 2-byte length and the bytes.
 * Free slots are kept per class in {@code int} stacks (no object per slot).
 *
 * <p>One arena per keyspace table ({@link Db} replaces both on FLUSHDB and swaps both on SWAPDB), so that a dropped
 * table's entries keep their bytes for a snapshot still walking it. Engine thread only, except {@link #page},
 * {@link #offset} and {@link #length} on slots that a snapshot was promised stay unchanged (see {@link #park}).
 */
public final class StringArena {
  /** Off with {@code -Dcairn.stringArena=false}: every string a plain {@code byte[]} (for before/after measurements). */
  public static final boolean ENABLED = !"false".equals(System.getProperty("cairn.stringArena"));
  /** The longest string kept in an arena; longer ones stay plain {@code byte[]}s (few and large: little to gain). */
  public static final int MAX_LENGTH = 65536 - 2;
  private static final int ALIGN_SHIFT = 4;
  /** Bits of a handle for the slot's offset in its page (in 16-byte units): pages up to 4 MiB. */
  private static final int SLOT_BITS = 18;
  private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
  /** Pages per arena: a handle is {@code page << SLOT_BITS | offset >>> 4}, non-negative. */
  static final int MAX_PAGES = 1 << (31 - SLOT_BITS);
  /** The largest page, one G1 region less the array header (a region holds exactly one such array). */
  static final int PAGE_SIZE = pageSize();
  /** The first page of a size class; the next ones double up to {@link #PAGE_SIZE}. */
  private static final int FIRST_PAGE = 4096;

  /** Slot sizes per class, and the class of each slot size in 16-byte units. */
  static final int[] CLASS_SIZE;
  private static final byte[] CLASS_OF_UNITS;

  static {
    int[] sizes = new int[128];
    int n = 0;
    for (int s = 16; s <= 512; s += 16) {
      sizes[n++] = s;
    }
    int s = 512;
    while (s < 65536) {
      s = Math.min(65536, ((s + s / 8) + 15) & ~15);
      sizes[n++] = s;
    }
    CLASS_SIZE = Arrays.copyOf(sizes, n);
    CLASS_OF_UNITS = new byte[65536 / 16 + 1];
    int c = 0;
    for (int u = 0; u < CLASS_OF_UNITS.length; u++) {
      while (CLASS_SIZE[c] < u * 16) {
        c++;
      }
      CLASS_OF_UNITS[u] = (byte) c;
    }
  }

  private static int pageSize() {
    long region = 1 << 20;
    try {
      var bean = java.lang.management.ManagementFactory.getPlatformMXBean(
          com.sun.management.HotSpotDiagnosticMXBean.class);
      if ("true".equals(bean.getVMOption("UseG1GC").getValue())) {
        region = Long.parseLong(bean.getVMOption("G1HeapRegionSize").getValue());
      }
    } catch (RuntimeException | LinkageError e) {
      // not HotSpot: any large size will do
    }
    region = Math.max(1 << 20, Math.min(4 << 20, region));
    return (int) region - 16; // the array header; a multiple of 16 bytes still
  }

  private byte[][] pages = new byte[8][];
  private int pageCount;
  /** Per class: the page being filled and the next free offset in it (-1: none yet). */
  private final int[] bumpPage = new int[CLASS_SIZE.length];
  private final int[] bumpOffset = new int[CLASS_SIZE.length];
  /** Per class: how large its next new page is. */
  private final int[] nextPageSize = new int[CLASS_SIZE.length];
  /** Per class: freed slots (handles), a stack. */
  private final int[][] free = new int[CLASS_SIZE.length][];
  private final int[] freeCount = new int[CLASS_SIZE.length];
  /**
   * Per class: slots freed while a snapshot may still read them, in the order freed ({@code parkedHead} to
   * {@code parkedTail}), each with the count of records taken for the snapshot when it was freed: once the
   * snapshot has written that many, no record it still holds can name the slot, and the slot is reused
   * ({@link #recycle}); the rest become reusable when the snapshot ends ({@link #unpark}). Without that reuse every
   * slot freed during a save stayed parked to its end (550,000 in a 12 s save under a 46k SET/s load: 60 MB of new
   * pages, each new page a humongous allocation that started G1 marking cycles and mixed collections meanwhile). Kept
   * by class so that no slot is read again to find its class (one list of handles cost the engine thread a cache miss
   * per slot at the save's end: 55 ms for those 550,000).
   */
  private final int[][] parked = new int[CLASS_SIZE.length][];
  private final long[][] parkedTicket = new long[CLASS_SIZE.length][];
  private final int[] parkedHead = new int[CLASS_SIZE.length];
  private final int[] parkedTail = new int[CLASS_SIZE.length];
  private boolean parking;
  /** The parking snapshot's progress (null: slots stay parked until {@link #unpark}). */
  private SnapshotProgress progress;
  private long pageBytes;
  private long liveSlotBytes;

  public StringArena() {
    Arrays.fill(bumpPage, -1);
    Arrays.fill(nextPageSize, FIRST_PAGE);
  }

  /** The size class of a slot that holds {@code length} bytes. */
  static int classOf(int length) {
    return CLASS_OF_UNITS[(length + 2 + 15) >>> ALIGN_SHIFT];
  }

  /** The bytes a string of {@code length} bytes takes in an arena (its slot). */
  public static int slotSize(int length) {
    return CLASS_SIZE[classOf(length)];
  }

  /**
   * Copies {@code len} bytes of {@code b} from {@code off} into a new slot; returns its handle, or -1 if the string is
   * too long for an arena or the arena is full (the caller keeps a plain {@code byte[]}).
   */
  public int alloc(byte[] b, int off, int len) {
    if (len > MAX_LENGTH || !ENABLED) {
      return -1;
    }
    int c = classOf(len);
    int h;
    if (freeCount[c] == 0 && parkedHead[c] < parkedTail[c] && progress != null) {
      recycle(c);
    }
    if (freeCount[c] > 0) {
      h = free[c][--freeCount[c]];
    } else {
      h = bump(c);
      if (h < 0) {
        return -1;
      }
    }
    byte[] page = pages[h >>> SLOT_BITS];
    int o = (h & SLOT_MASK) << ALIGN_SHIFT;
    page[o] = (byte) (len >>> 8);
    page[o + 1] = (byte) len;
    System.arraycopy(b, off, page, o + 2, len);
    liveSlotBytes += CLASS_SIZE[c];
    return h;
  }

  private int bump(int c) {
    int size = CLASS_SIZE[c];
    int p = bumpPage[c];
    if (p < 0 || bumpOffset[c] + size > pages[p].length) {
      if (pageCount == MAX_PAGES) {
        return -1;
      }
      int pageSize = Math.max(size, Math.min(PAGE_SIZE, nextPageSize[c]));
      nextPageSize[c] = Math.min(PAGE_SIZE, pageSize * 2);
      if (pageCount == pages.length) {
        pages = Arrays.copyOf(pages, pageCount * 2);
      }
      p = pageCount++;
      pages[p] = new byte[pageSize];
      pageBytes += pageSize;
      bumpPage[c] = p;
      bumpOffset[c] = 0;
    }
    int o = bumpOffset[c];
    bumpOffset[c] = o + size;
    return p << SLOT_BITS | o >>> ALIGN_SHIFT;
  }

  /** Frees a slot (parked instead while a snapshot may read it). */
  public void free(int handle) {
    int c = classOf(length(handle));
    liveSlotBytes -= CLASS_SIZE[c];
    if (parking) {
      parkSlot(c, handle, progress == null ? 0 : progress.taken());
    } else {
      free[c] = push(free[c], freeCount[c]++, handle);
    }
  }

  /** Puts {@code handle} at {@code count} in {@code stack}, grown (or made) as needed; returns the stack. */
  private static int[] push(int[] stack, int count, int handle) {
    if (stack == null) {
      stack = new int[64];
    } else if (count == stack.length) {
      stack = Arrays.copyOf(stack, count * 2);
    }
    stack[count] = handle;
    return stack;
  }

  /** Appends a slot to its class's parked queue, with its ticket (the records taken when it was freed). */
  private void parkSlot(int c, int handle, long ticket) {
    int[] handles = parked[c];
    int tail = parkedTail[c];
    if (handles == null) {
      handles = parked[c] = new int[64];
      parkedTicket[c] = new long[64];
    } else if (tail == handles.length) {
      int head = parkedHead[c];
      if (head >= tail / 2) { // half or more was recycled: move the rest to the front
        System.arraycopy(handles, head, handles, 0, tail - head);
        System.arraycopy(parkedTicket[c], head, parkedTicket[c], 0, tail - head);
        tail -= head;
        parkedHead[c] = 0;
      } else {
        handles = parked[c] = Arrays.copyOf(handles, tail * 2);
        parkedTicket[c] = Arrays.copyOf(parkedTicket[c], tail * 2);
      }
    }
    handles[tail] = handle;
    parkedTicket[c][tail] = ticket;
    parkedTail[c] = tail + 1;
  }

  /** Moves the parked slots of class {@code c} the snapshot can no longer read to the free stack. */
  private void recycle(int c) {
    long written = progress.written();
    int i = parkedHead[c];
    int end = parkedTail[c];
    int[] handles = parked[c];
    long[] tickets = parkedTicket[c];
    while (i < end && tickets[i] <= written) {
      free[c] = push(free[c], freeCount[c]++, handles[i++]);
    }
    parkedHead[c] = i == end ? 0 : i;
    parkedTail[c] = i == end ? 0 : end;
  }

  /** What a running snapshot tells the arenas it parks: the records taken for it so far, and those it has written. */
  public interface SnapshotProgress {
    /** Records taken so far (engine thread). */
    long taken();

    /** Records written so far, in the order taken (any thread). */
    long written();
  }

  /**
   * From now on a freed slot is not reused while the snapshot may still read it: a snapshot reads the slots it was
   * handed in place, from another thread, and a slot freed after the hand-over (its key overwritten or deleted) keeps
   * its bytes until the snapshot has written every record taken before it was freed ({@code progress}), or
   * until {@link #unpark} when {@code progress} is null.
   */
  public void park(SnapshotProgress progress) {
    parking = true;
    this.progress = progress;
  }

  /** {@link #park(SnapshotProgress)} until {@link #unpark}, whatever the snapshot has written. */
  public void park() {
    park(null);
  }

  /** Whether freed slots are parked ({@link #park}). */
  public boolean isParking() {
    return parking;
  }

  /** The snapshot has ended: slots freed meanwhile become reusable (a copy per class, no slot read). */
  public void unpark() {
    parking = false;
    progress = null;
    for (int c = 0; c < CLASS_SIZE.length; c++) {
      int head = parkedHead[c];
      int n = parkedTail[c] - head;
      if (n > 0) {
        int count = freeCount[c];
        int[] stack = free[c];
        if (stack == null || count + n > stack.length) {
          stack = free[c] = stack == null ? new int[Math.max(64, n)]
              : Arrays.copyOf(stack, Math.max(count + n, stack.length * 2));
        }
        System.arraycopy(parked[c], head, stack, count, n);
        freeCount[c] = count + n;
      }
      parkedHead[c] = 0;
      parkedTail[c] = 0;
      if (parked[c] != null && parked[c].length > 4096) {
        parked[c] = null; // a big save's queue, not kept for the next one
        parkedTicket[c] = null;
      }
    }
  }

  /** The page holding the slot. */
  public byte[] page(int handle) {
    return pages[handle >>> SLOT_BITS];
  }

  /** Where the string's bytes start in its page. */
  public static int offset(int handle) {
    return ((handle & SLOT_MASK) << ALIGN_SHIFT) + 2;
  }

  /** The string's length. */
  public int length(int handle) {
    byte[] page = pages[handle >>> SLOT_BITS];
    int o = (handle & SLOT_MASK) << ALIGN_SHIFT;
    return (page[o] & 0xff) << 8 | page[o + 1] & 0xff;
  }

  /** The length of the string at {@code handle} in {@code page} (any thread, see {@link #park}). */
  public static int length(byte[] page, int handle) {
    int o = (handle & SLOT_MASK) << ALIGN_SHIFT;
    return (page[o] & 0xff) << 8 | page[o + 1] & 0xff;
  }

  /** A new {@code byte[]} with the string's bytes. */
  public byte[] copyOut(int handle) {
    byte[] page = pages[handle >>> SLOT_BITS];
    int o = (handle & SLOT_MASK) << ALIGN_SHIFT;
    int len = (page[o] & 0xff) << 8 | page[o + 1] & 0xff;
    return Arrays.copyOfRange(page, o + 2, o + 2 + len);
  }

  /** Whether the string equals {@code len} bytes of {@code b} from {@code off}. */
  public boolean contentEquals(int handle, byte[] b, int off, int len) {
    int o = offset(handle);
    return length(handle) == len && Arrays.equals(page(handle), o, o + len, b, off, off + len);
  }

  /** Bytes of the pages (what the arena holds on the heap). */
  public long pageBytes() {
    return pageBytes;
  }

  /** Bytes of the slots in use. */
  public long liveSlotBytes() {
    return liveSlotBytes;
  }
}
