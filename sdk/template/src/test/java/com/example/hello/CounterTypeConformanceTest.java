package com.example.hello;

import dev.cairn.api.type.DataType;
import dev.cairn.sdk.DataTypeConformanceTest;
import java.util.List;
import java.util.Random;

/**
 * The SDK's conformance tests for the type. The fixture src/test/resources/fixtures/HelloCntr-1.rdb was written once
 * with -Dcairn.writeFixtures=src/test/resources/fixtures and must keep loading for ever.
 */
class CounterTypeConformanceTest extends DataTypeConformanceTest<Counter> {
  @Override
  protected DataType<Counter> type() {
    return CounterType.INSTANCE;
  }

  @Override
  protected List<Counter> sampleValues(Random random) {
    return List.of(new Counter(0, 0), new Counter(-5, 3), new Counter(Long.MAX_VALUE, Long.MAX_VALUE),
        new Counter(random.nextLong(), random.nextLong() & Long.MAX_VALUE));
  }

  @Override
  protected Counter fixtureValue(int encver) {
    return new Counter(42, 7);
  }

  @Override
  protected boolean mutate(Counter value, Random random) {
    value.total++;
    return true;
  }
}
