package dev.cairn.example.jobs;

import dev.cairn.api.type.DataType;
import dev.cairn.sdk.DataTypeConformanceTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** The SDK's conformance tests for the job queue type, with its encver 1 fixture (CairnJobQ-1.rdb). */
class JobQueueTypeConformanceTest extends DataTypeConformanceTest<JobQueue> {
  @Override
  protected DataType<JobQueue> type() {
    return JobQueueType.INSTANCE;
  }

  private static JobQueue queue(String... jobs) {
    JobQueue q = new JobQueue();
    for (String j : jobs) {
      q.push(j.getBytes(StandardCharsets.UTF_8));
    }
    return q;
  }

  /** An empty queue never exists: the last JOB.POP deletes the key. */
  @Override
  protected List<JobQueue> sampleValues(Random random) {
    byte[] big = new byte[1000 + random.nextInt(1000)];
    random.nextBytes(big);
    JobQueue binary = queue("x");
    binary.push(big);
    return List.of(queue("one"), queue("a", "b", "c"), binary);
  }

  @Override
  protected JobQueue fixtureValue(int encver) {
    return queue("first", "second");
  }

  @Override
  protected boolean mutate(JobQueue value, Random random) {
    value.push(new byte[] {(byte) random.nextInt()});
    return true;
  }
}
