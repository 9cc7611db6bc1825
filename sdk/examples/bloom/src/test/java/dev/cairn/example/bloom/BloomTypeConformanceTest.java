package dev.cairn.example.bloom;

import dev.cairn.api.type.DataType;
import dev.cairn.sdk.DataTypeConformanceTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

class BloomTypeConformanceTest extends DataTypeConformanceTest<ScalableBloom> {
  @Override
  protected DataType<ScalableBloom> type() {
    return BloomType.INSTANCE;
  }

  @Override
  protected List<ScalableBloom> sampleValues(Random random) {
    List<ScalableBloom> l = new ArrayList<>();
    l.add(new ScalableBloom(100, 0.01, 2, false)); // empty
    ScalableBloom scaled = new ScalableBloom(10, 0.001, 3, false); // several sub-filters
    for (int i = 0; i < 200; i++) {
      scaled.add(("item" + random.nextInt()).getBytes(StandardCharsets.UTF_8));
    }
    l.add(scaled);
    ScalableBloom full = new ScalableBloom(5, 0.1, 2, true); // non-scaling, full
    for (int i = 0; i < 20; i++) {
      full.add(("x" + i).getBytes(StandardCharsets.UTF_8));
    }
    l.add(full);
    return l;
  }

  @Override
  protected ScalableBloom fixtureValue(int encver) {
    ScalableBloom b = new ScalableBloom(4, 0.05, 2, false);
    for (int i = 0; i < 10; i++) {
      b.add(("fixture" + i).getBytes(StandardCharsets.UTF_8));
    }
    return b;
  }

  @Override
  protected boolean mutate(ScalableBloom value, Random random) {
    value.add(("mutation" + random.nextLong()).getBytes(StandardCharsets.UTF_8));
    return true;
  }
}
