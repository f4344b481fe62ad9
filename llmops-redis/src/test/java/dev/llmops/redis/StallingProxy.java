package dev.llmops.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy on loopback in front of the test Redis that can stop passing bytes on (Redis "slow
 * or gone" for whoever talks through it, while the server keeps serving everybody else) and start
 * again. Bytes that arrive while stalled are held and passed on when resumed.
 */
final class StallingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new ArrayList<>();
  private boolean stalled;
  private volatile boolean closed;

  StallingProxy(String redisUri) throws IOException {
    URI u = URI.create(redisUri);
    this.targetHost = u.getHost();
    this.targetPort = u.getPort() < 0 ? 6379 : u.getPort();
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread accept = new Thread(this::acceptLoop, "stalling-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** The URI to give clients: this proxy. */
  String uri() {
    return "redis://127.0.0.1:" + server.getLocalPort();
  }

  synchronized void stall() {
    stalled = true;
  }

  synchronized void resume() {
    stalled = false;
    notifyAll();
  }

  private synchronized void awaitFlowing() throws InterruptedException {
    while (stalled && !closed) {
      wait();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(targetHost, targetPort);
        synchronized (sockets) {
          sockets.add(client);
          sockets.add(upstream);
        }
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          awaitFlowing();
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // a side closed: the pair ends
      }
    }, "stalling-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    resume();
    server.close();
    synchronized (sockets) {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
