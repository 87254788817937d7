package io.hookline.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The receiver of benchmarks and reliability runs, in its own process: answers POSTs 200 at once
 * and notes when each webhook-id first arrived (wall-clock microseconds, comparable across
 * processes on one machine). Some paths misbehave, the same way for every webhook-id so that the
 * outcome each delivery must reach is known: /hang never answers; /fail503 always answers 503;
 * /storm429 answers 429 with Retry-After: 1 to the first two attempts of an id, then 200;
 * /reset-once drops the connection on an id's first attempt, then 200; /slow answers 200 after
 * 300 ms. GET /stats, GET /receipts and GET /stalls (this process's stalls over 20 ms, see
 * {@link Hiccups}) report; POST /reset forgets. Listens on 127.0.0.1 and
 * 127.0.0.2 (two hosts for isolation runs).
 */
public final class Receiver {
  private static final AtomicLong RECEIVED = new AtomicLong();
  // Every answered arrival with a webhook-id, in order (one event-loop thread writes and reads
  // it): first receipts and duplicates are worked out from it when asked for. Maps of every id
  // seen, which this kept before, grew by hundreds of thousands of entries a run, and copying
  // them made the receiver's young collections take 40-95 ms, holding up every delivery in
  // flight: a steady run's slowest events were those.
  private static final Arrivals ARRIVALS = new Arrivals();
  // Attempts per path and id, for the paths whose answer depends on it only.
  private static final ConcurrentHashMap<String, AtomicLong> ATTEMPTS = new ConcurrentHashMap<>();
  // A receiver stall makes every delivery in flight look late: the benchmark reports them.
  private static final Hiccups STALLS = Hiccups.watch();

  private Receiver() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    EventLoopGroup group = new NioEventLoopGroup(1);
    ServerBootstrap bootstrap = new ServerBootstrap().group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                new Handler());
          }
        });
    bootstrap.bind("127.0.0.1", port).sync();
    bootstrap.bind("127.0.0.2", port).sync();
    System.out.println("READY " + port);
    System.out.flush();
    Thread.currentThread().join();
  }

  static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String uri = request.uri();
      String body = "ok";
      if (request.method().name().equals("POST")) {
        if (uri.equals("/reset")) {
          ARRIVALS.clear();
          ATTEMPTS.clear();
          RECEIVED.set(0);
          STALLS.clear();
        } else if (uri.startsWith("/hang")) {
          return;
        } else {
          RECEIVED.incrementAndGet();
          String id = request.headers().get("webhook-id");
          long attempt = uri.startsWith("/storm429") || uri.startsWith("/reset-once")
              ? ATTEMPTS.computeIfAbsent(uri + " " + id, k -> new AtomicLong()).incrementAndGet()
              : 1;
          if (misbehave(ctx, request, uri, attempt)) {
            return;
          }
          if (id != null) {
            ARRIVALS.add(id, micros(), uri);
          }
        }
      } else if (uri.startsWith("/stats")) {
        body = "{\"received\":" + RECEIVED.get() + "}";
      } else if (uri.startsWith("/stalls")) {
        body = String.join(", ", STALLS.seen());
      } else if (uri.startsWith("/duplicates")) {
        // webhook-ids that reached an answering path more than once
        body = ARRIVALS.duplicates();
      } else if (uri.startsWith("/receipts")) {
        body = ARRIVALS.firstReceipts();
      }
      respond(ctx, request, HttpResponseStatus.OK, body, null);
    }
  }

  /** Answers for the misbehaving paths; true when the answer (or none) is already decided. */
  private static boolean misbehave(ChannelHandlerContext ctx, FullHttpRequest request, String uri,
      long attempt) {
    if (uri.startsWith("/fail503")) {
      respond(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "down", null);
      return true;
    }
    if (uri.startsWith("/storm429") && attempt <= 2) {
      respond(ctx, request, HttpResponseStatus.TOO_MANY_REQUESTS, "slow down", "1");
      return true;
    }
    if (uri.startsWith("/reset-once") && attempt == 1) {
      ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
      ctx.close();
      return true;
    }
    if (uri.startsWith("/slow")) {
      request.retain();
      ctx.executor().schedule(() -> {
        respond(ctx, request, HttpResponseStatus.OK, "ok", null);
        request.release();
      }, 300, java.util.concurrent.TimeUnit.MILLISECONDS);
      return true;
    }
    return false;
  }

  private static void respond(ChannelHandlerContext ctx, FullHttpRequest request,
      HttpResponseStatus status, String body, String retryAfter) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    if (retryAfter != null) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
    }
    if (HttpUtil.isKeepAlive(request)) {
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Arrivals as lines of text ({@code id micros path}) in 1 MiB chunks: a few large arrays for
   * the collector to move, where a map of every id was millions of small objects.
   */
  private static final class Arrivals {
    private static final int CHUNK = 1 << 20;
    private final List<byte[]> full = new ArrayList<>();
    private byte[] current = new byte[CHUNK];
    private int used;

    void add(String id, long micros, String path) {
      byte[] line = (id + ' ' + micros + ' ' + path + '\n').getBytes(StandardCharsets.UTF_8);
      if (used + line.length > current.length) {
        full.add(Arrays.copyOf(current, used));
        current = new byte[Math.max(CHUNK, line.length)];
        used = 0;
      }
      System.arraycopy(line, 0, current, used, line.length);
      used += line.length;
    }

    void clear() {
      full.clear();
      current = new byte[CHUNK];
      used = 0;
    }

    private List<String[]> lines() {
      List<byte[]> chunks = new ArrayList<>(full);
      chunks.add(Arrays.copyOf(current, used));
      List<String[]> lines = new ArrayList<>();
      for (byte[] chunk : chunks) {
        for (String line : new String(chunk, StandardCharsets.UTF_8).split("\n")) {
          if (!line.isEmpty()) {
            lines.add(line.split(" ", 3));
          }
        }
      }
      return lines;
    }

    /** Each id and when it first arrived, one per line. */
    String firstReceipts() {
      Set<String> seen = new HashSet<>();
      StringBuilder out = new StringBuilder();
      for (String[] line : lines()) {
        if (seen.add(line[0])) {
          out.append(line[0]).append(' ').append(line[1]).append('\n');
        }
      }
      return out.toString();
    }

    /** Ids that reached one /ok… path more than once, one per line. */
    String duplicates() {
      Set<String> seen = new HashSet<>();
      Set<String> twice = new HashSet<>();
      for (String[] line : lines()) {
        if (line[2].startsWith("/ok") && !seen.add(line[2] + ' ' + line[0])) {
          twice.add(line[0]);
        }
      }
      return String.join("\n", twice);
    }
  }

  static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
