package dev.cairn.example.jobs;

import dev.cairn.api.type.AofEmitter;
import dev.cairn.api.type.DataType;
import dev.cairn.api.type.Digest;
import dev.cairn.api.type.RdbFormatException;
import dev.cairn.api.type.RdbInput;
import dev.cairn.api.type.RdbOutput;
import dev.cairn.api.type.TypeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The job queue type. Layout, encver 1: unsigned(count) then string(payload) per job, oldest first. */
public final class JobQueueType implements DataType<JobQueue> {
  public static final TypeId ID = TypeId.of("CairnJobQ", 1);
  public static final JobQueueType INSTANCE = new JobQueueType();

  private JobQueueType() {}

  @Override
  public TypeId id() {
    return ID;
  }

  @Override
  public Class<JobQueue> valueClass() {
    return JobQueue.class;
  }

  @Override
  public void rdbSave(RdbOutput out, JobQueue q) throws IOException {
    out.writeUnsigned(q.size());
    for (byte[] job : q) {
      out.writeBytes(job);
    }
  }

  @Override
  public JobQueue rdbLoad(RdbInput in, int encver) throws IOException {
    if (encver != 1) {
      throw RdbFormatException.unsupported(ID, encver);
    }
    JobQueue q = new JobQueue();
    for (long n = in.readUnsigned(); n > 0; n--) {
      q.push(in.readBytes());
    }
    return q;
  }

  @Override
  public void aofRewrite(AofEmitter out, byte[] key, JobQueue q) {
    for (byte[] job : q) {
      out.emit("JOB.PUSH".getBytes(StandardCharsets.US_ASCII), key, job);
    }
  }

  @Override
  public long memoryUsage(JobQueue q) {
    long n = 64;
    for (byte[] job : q) {
      n += 24 + job.length;
    }
    return n;
  }

  @Override
  public void digest(Digest d, JobQueue q) {
    for (byte[] job : q) {
      d.add(job);
    }
  }

  @Override
  public JobQueue copy(JobQueue q) {
    JobQueue c = new JobQueue();
    for (byte[] job : q) {
      c.push(job.clone());
    }
    return c;
  }
}
