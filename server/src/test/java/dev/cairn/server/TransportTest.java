package dev.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

/** The transport asked for, or the next one the platform offers. */
class TransportTest {
  private static final Transport NATIVE_OR_NIO = Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;

  @Test
  void ioUringWhereTheKernelOffersItElseEpoll() {
    Transport t = Transport.choose("io_uring");
    assertEquals(IoUring.isAvailable() ? Transport.IO_URING : NATIVE_OR_NIO, t);
    assertEquals(t, Transport.choose("IO_URING"));
  }

  @Test
  void ioUringByDefaultWhereTheKernelOffersIt() {
    assertEquals(Transport.choose("io_uring"), Transport.choose(Transport.DEFAULT));
  }

  @Test
  void epollAndNioOnRequest() {
    assertEquals(NATIVE_OR_NIO, Transport.choose("epoll"));
    assertEquals(NATIVE_OR_NIO, Transport.choose("anything else"));
    assertEquals(Transport.NIO, Transport.choose("nio"));
    assertEquals("nio", Transport.NIO.apiName);
  }
}
