package dev.parley.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * A lean WebSocket client on Netty (epoll): thousands of connections on a couple of event-loop threads, so the
 * generator costs the machine little next to the server it measures. Each connection reports to a {@link Listener}.
 */
final class WsClients implements AutoCloseable {
    interface Listener {
        /** Handshake done; the connection can send. */
        default void onOpen(Conn c) {}

        void onText(Conn c, String text);

        default void onClose(Conn c, int code) {}
    }

    /** One connection; {@code tag} is whatever the scenario needs (e.g. the user index). */
    static final class Conn {
        final int tag;
        volatile Channel channel;
        volatile boolean open;
        /** Dropped on purpose (a storm's drop, the end): its close is expected. */
        volatile boolean dropped;

        Conn(int tag) {
            this.tag = tag;
        }

        void send(String text) {
            Channel ch = channel;
            if (ch != null && open) ch.writeAndFlush(new TextWebSocketFrame(text));
        }

        void abort() {
            dropped = true;
            Channel ch = channel;
            if (ch != null) ch.close();
        }
    }

    private final EventLoopGroup group;
    private final String host;
    private final int port;

    WsClients(String host, int port, int threads) {
        this.group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
        this.host = host;
        this.port = port;
    }

    /**
     * Opens a WebSocket to /ws with the access token, from {@code localAddress} (one of 127.x.y.z: each source
     * address has its own ~28K ephemeral ports).
     */
    ChannelFuture connect(Conn conn, String token, String localAddress, Listener listener) {
        URI uri = URI.create("ws://" + host + ":" + port + "/ws?access_token=" + token);
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri).version(WebSocketVersion.V13).customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(1 << 20).handleCloseFrames(false).dropPongFrames(true)
                .handshakeTimeoutMillis(30_000).build();
        Bootstrap b = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .option(ChannelOption.ALLOCATOR, ByteBufAllocator.DEFAULT)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                new WebSocketClientProtocolHandler(config), new Handler(conn, listener));
                    }
                });
        ChannelFuture f = b.connect(new InetSocketAddress(host, port), new InetSocketAddress(localAddress, 0));
        conn.channel = f.channel();
        return f;
    }

    private static final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final Conn conn;
        private final Listener listener;
        private int closeCode = 1006;

        Handler(Conn conn, Listener listener) {
            this.conn = conn;
            this.listener = listener;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                conn.open = true;
                listener.onOpen(conn);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame t) listener.onText(conn, t.text());
            else if (frame instanceof CloseWebSocketFrame c) closeCode = c.statusCode();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            conn.open = false;
            listener.onClose(conn, closeCode);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** 127.0.0.1 .. 127.0.0.N in turn, N = {@code spread}. */
    static String sourceAddress(int i, int spread) {
        return "127.0.0." + (1 + Math.floorMod(i, spread));
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
