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
  private static final ConcurrentHashMap<String, Long> FIRST_SEEN = new ConcurrentHashMap<>();
  private static final AtomicLong RECEIVED = new AtomicLong();
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
          FIRST_SEEN.clear();
          ATTEMPTS.clear();
          RECEIVED.set(0);
          STALLS.clear();
        } else if (uri.startsWith("/hang")) {
          return;
        } else {
          RECEIVED.incrementAndGet();
          String id = request.headers().get("webhook-id");
          long attempt = ATTEMPTS.computeIfAbsent(uri + " " + id, k -> new AtomicLong())
              .incrementAndGet();
          if (misbehave(ctx, request, uri, attempt)) {
            return;
          }
          if (id != null) {
            FIRST_SEEN.putIfAbsent(id, micros());
          }
        }
      } else if (uri.startsWith("/stats")) {
        body = "{\"received\":" + RECEIVED.get() + ",\"distinct\":" + FIRST_SEEN.size() + "}";
      } else if (uri.startsWith("/stalls")) {
        body = String.join(", ", STALLS.seen());
      } else if (uri.startsWith("/duplicates")) {
        // webhook-ids that reached an answering path more than once
        StringBuilder lines = new StringBuilder();
        ATTEMPTS.forEach((key, count) -> {
          if (count.get() > 1 && key.startsWith("/ok")) {
            lines.append(key.substring(key.indexOf(' ') + 1)).append('\n');
          }
        });
        body = lines.toString();
      } else if (uri.startsWith("/receipts")) {
        StringBuilder lines = new StringBuilder(FIRST_SEEN.size() * 40);
        FIRST_SEEN.forEach((id, at) -> lines.append(id).append(' ').append(at).append('\n'));
        body = lines.toString();
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

  static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
