package dev.cairn.core.keyspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StringArenaTest {
  @Test
  void sizeClassesCoverEveryLengthWithSlotsAlignedAndGrowingByAtMostAnEighth() {
    int prev = 0;
    for (int c = 0; c < StringArena.CLASS_SIZE.length; c++) {
      int s = StringArena.CLASS_SIZE[c];
      assertEquals(0, s % 16, "class " + c);
      assertTrue(s > prev);
      assertTrue(s <= 512 ? s - prev == 16 : s <= prev + prev / 8 + 16, "class " + c + ": " + prev + " -> " + s);
      prev = s;
    }
    assertEquals(65536, prev);
    for (int len = 0; len <= StringArena.MAX_LENGTH; len++) {
      int slot = StringArena.slotSize(len);
      assertTrue(slot >= len + 2, "length " + len);
      int c = StringArena.classOf(len);
      assertTrue(c == 0 || StringArena.CLASS_SIZE[c - 1] < len + 2, "length " + len + " not in the smallest class");
    }
  }

  @Test
  void rejectsLongerStrings() {
    StringArena a = new StringArena();
    assertEquals(-1, a.alloc(new byte[StringArena.MAX_LENGTH + 1], 0, StringArena.MAX_LENGTH + 1));
    int h = a.alloc(new byte[StringArena.MAX_LENGTH], 0, StringArena.MAX_LENGTH);
    assertEquals(StringArena.MAX_LENGTH, a.length(h));
  }

  @Test
  void emptyStringAndOffsets() {
    StringArena a = new StringArena();
    int h = a.alloc(new byte[] {1, 2, 3}, 1, 0);
    assertEquals(0, a.length(h));
    assertArrayEquals(new byte[0], a.copyOut(h));
    int g = a.alloc(new byte[] {1, 2, 3}, 1, 2);
    assertArrayEquals(new byte[] {2, 3}, a.copyOut(g));
    assertTrue(a.contentEquals(g, new byte[] {9, 2, 3}, 1, 2));
  }

  /**
   * Slots parked during a snapshot are all reusable after it, whether the class's free stack was empty at the end (the
   * parked stack is taken over) or not (it is appended): allocating as many again takes no new page, and no handle
   * comes back twice.
   */
  @Test
  void parkedSlotsAreReusedAfterUnpark() {
    for (int freeBefore : new int[] {0, 10}) {
      StringArena a = new StringArena();
      byte[] v = new byte[100];
      List<Integer> handles = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        handles.add(a.alloc(v, 0, v.length));
      }
      for (int i = 0; i < freeBefore; i++) {
        a.free(handles.remove(handles.size() - 1));
      }
      a.park();
      for (int i = 0; i < 500; i++) {
        a.free(handles.remove(handles.size() - 1));
      }
      a.unpark();
      long pages = a.pageBytes();
      Set<Integer> live = new HashSet<>(handles);
      for (int i = 0; i < 500 + freeBefore; i++) {
        assertTrue(live.add(a.alloc(v, 0, v.length)), "a handle handed out twice");
      }
      assertEquals(pages, a.pageBytes(), "parked slots not reused (free before parking: " + freeBefore + ")");
    }
  }

  /**
   * While a snapshot runs, a slot freed after it had been handed {@code taken} records is reused only once the
   * snapshot has written that many (no record it still holds can name the slot then), and keeps its bytes until then.
   */
  @Test
  void aParkedSlotIsReusedOnceTheSnapshotHasWrittenWhatWasTakenBeforeItWasFreed() {
    long[] progress = new long[2]; // taken, written
    StringArena a = new StringArena();
    a.park(new StringArena.SnapshotProgress() {
      @Override
      public long taken() {
        return progress[0];
      }

      @Override
      public long written() {
        return progress[1];
      }
    });
    byte[] old = "old value".getBytes();
    byte[] other = "new value".getBytes();
    int first = a.alloc(old, 0, old.length);
    progress[0] = 10; // ten records taken, the slot's among them
    a.free(first);
    progress[1] = 9;
    int second = a.alloc(other, 0, other.length);
    assertTrue(second != first, "reused before the snapshot wrote the records taken before the free");
    assertTrue(a.contentEquals(first, old, 0, old.length));
    progress[1] = 10;
    assertEquals(first, a.alloc(other, 0, other.length), "not reused once they were written");
    a.free(second); // freed with ticket 10, written is 10 already: reusable at once
    assertEquals(second, a.alloc(old, 0, old.length));
    a.unpark();
  }

  /** Random allocs and frees, with parking phases, against a model of what each live handle holds. */
  @Test
  void randomizedAgainstAModel() {
    long seed = System.nanoTime();
    System.out.println("StringArenaTest seed " + seed);
    Random rnd = new Random(seed);
    StringArena a = new StringArena();
    List<Integer> handles = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    List<Integer> parkedHandles = new ArrayList<>();
    List<byte[]> parkedValues = new ArrayList<>();
    long live = 0;
    for (int step = 0; step < 200_000; step++) {
      int op = rnd.nextInt(100);
      if (op < 55 || handles.isEmpty()) {
        int len = rnd.nextInt(10) == 0 ? rnd.nextInt(StringArena.MAX_LENGTH + 1) : rnd.nextInt(600);
        byte[] v = new byte[len];
        rnd.nextBytes(v);
        int h = a.alloc(v, 0, len);
        assertTrue(h >= 0, "seed " + seed);
        handles.add(h);
        values.add(v);
        live += StringArena.slotSize(len);
      } else if (op < 95) {
        int i = rnd.nextInt(handles.size());
        int h = handles.get(i);
        assertArrayEquals(values.get(i), a.copyOut(h), "seed " + seed + " step " + step);
        a.free(h);
        live -= StringArena.slotSize(values.get(i).length);
        if (a.isParking()) {
          parkedHandles.add(h);
          parkedValues.add(values.get(i));
        }
        handles.set(i, handles.get(handles.size() - 1));
        values.set(i, values.get(values.size() - 1));
        handles.remove(handles.size() - 1);
        values.remove(values.size() - 1);
      } else if (op < 97) {
        a.park();
      } else {
        // a parked slot keeps its bytes until the snapshot ends
        for (int i = 0; i < parkedHandles.size(); i++) {
          int h = parkedHandles.get(i);
          byte[] v = parkedValues.get(i);
          assertTrue(a.contentEquals(h, v, 0, v.length), "seed " + seed + " parked slot changed");
        }
        a.unpark();
        parkedHandles.clear();
        parkedValues.clear();
      }
      assertEquals(live, a.liveSlotBytes(), "seed " + seed);
    }
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < handles.size(); i++) {
      assertTrue(seen.add(handles.get(i)), "a handle handed out twice, seed " + seed);
      assertArrayEquals(values.get(i), a.copyOut(handles.get(i)), "seed " + seed);
    }
  }

  @Test
  void freedSlotsAreReusedAndPagesDoNotGrowUnderChurn() {
    StringArena a = new StringArena();
    int[] hs = new int[10_000];
    byte[] v = new byte[100];
    for (int i = 0; i < hs.length; i++) {
      hs[i] = a.alloc(v, 0, v.length);
    }
    long pages = a.pageBytes();
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < hs.length; i++) {
        a.free(hs[i]);
        hs[i] = a.alloc(v, 0, v.length);
      }
    }
    assertEquals(pages, a.pageBytes());
  }
}
