package org.cxrplatform.ingest.scp;

import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.AnyExplicitStorePresentationContextSelectionPolicy;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.cxrplatform.ingest.config.IngestConfig;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The DICOM front door: a C-STORE and C-ECHO SCP. Each association runs on its own thread
 * (up to {@code cxr.ingest.max-associations}); the calling and called AE titles are checked on
 * the A-ASSOCIATE-RQ and unknown ones get an A-ASSOCIATE-RJ. Presentation contexts are negotiated
 * by PixelMed ({@link AnyExplicitStorePresentationContextSelectionPolicy}: every storage SOP class,
 * every transfer syntax including the compressed ones). Each C-STORE data set is streamed into a
 * spool file and handed to the {@link InstanceSink}; the response carries the sink's status.
 *
 * <pre>{@code
 * try (DicomServer scp = new DicomServer(config.scp(), spool.incomingDir(), sink, registry).start()) {
 *     int port = scp.port();
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class DicomServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DicomServer.class);
    private static final AtomicInteger ASSOCIATION_IDS = new AtomicInteger();

    static {
        // PixelMed waits a fixed 5 s after sending A-RELEASE-RP before closing (its ARTIM timer),
        // holding the association's thread and slot even though the peer closes at once. A short
        // wait keeps the protocol's intent (let the peer close first) without throttling routers
        // that open one association per study.
        try {
            java.lang.reflect.Field artim = Association.class.getDeclaredField(
                    "associationReleaseToTransportConnectionCloseTimeoutInMilliseconds");
            artim.setAccessible(true);
            artim.setInt(null, 200);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.infof("PixelMed release timer left at its default: %s", e.toString());
        }
    }

    private final IngestConfig.Scp settings;
    private final Path incomingDir;
    /** Calling AE titles admitted; empty admits every caller. */
    private final Set<String> allowedCallingAes;

    private final InstanceSink sink;
    private final MeterRegistry metrics;
    private final Semaphore slots;
    /** Open connections, associated or not yet: bounds threads whatever peers do (twice the association limit). */
    private final Semaphore connections;

    private final AtomicInteger active = new AtomicInteger();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dicom-association");
        t.setDaemon(true);
        return t;
    });
    private ServerSocket serverSocket;
    private Thread acceptor;
    private volatile boolean running;

    /** @param incomingDir where partial files are written before the spool commits them */
    public DicomServer(IngestConfig.Scp settings, Path incomingDir, InstanceSink sink, MeterRegistry metrics) {
        this.settings = settings;
        this.incomingDir = incomingDir;
        this.allowedCallingAes = settings.allowedCallingAes().orElse(Set.of());
        this.sink = sink;
        this.metrics = metrics;
        this.slots = new Semaphore(settings.maxAssociations());
        this.connections = new Semaphore(settings.maxAssociations() * 2);
        metrics.gauge("cxr.ingest.associations.active", active);
    }

    /** Binds the port and starts accepting; returns once the port is open. */
    public synchronized DicomServer start() {
        try {
            Files.createDirectories(incomingDir);
            serverSocket = new ServerSocket();
            serverSocket.setReuseAddress(true);
            serverSocket.bind(
                    new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.dicomPort()), 128);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot listen on " + settings.bindAddress() + ":" + settings.dicomPort(), e);
        }
        running = true;
        acceptor = new Thread(this::acceptLoop, "dicom-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.infof(
                "DICOM SCP %s listening on %s:%d (calling AEs: %s)",
                settings.aeTitle(),
                settings.bindAddress(),
                port(),
                allowedCallingAes.isEmpty() ? "any" : allowedCallingAes);
        return this;
    }

    /** Whether the port is bound and the acceptor runs. */
    public boolean isListening() {
        return running
                && serverSocket != null
                && serverSocket.isBound()
                && !serverSocket.isClosed()
                && acceptor.isAlive();
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public String aeTitle() {
        return settings.aeTitle();
    }

    private void acceptLoop() {
        while (running) {
            try {
                Socket socket = serverSocket.accept();
                if (!connections.tryAcquire()) {
                    metrics.counter("cxr.ingest.associations", "result", "rejected", "reason", "connection-limit")
                            .increment();
                    LOG.warnf(
                            "connection from %s closed: %d connections already open",
                            socket.getRemoteSocketAddress(), settings.maxAssociations() * 2);
                    socket.close();
                    continue;
                }
                try {
                    workers.execute(() -> {
                        try {
                            serve(socket);
                        } finally {
                            connections.release();
                        }
                    });
                } catch (RuntimeException e) {
                    connections.release();
                    socket.close();
                }
            } catch (IOException e) {
                if (running) {
                    LOG.warnf("accept failed: %s", e.getMessage());
                }
            }
        }
    }

    private void serve(Socket socket) {
        int id = ASSOCIATION_IDS.incrementAndGet();
        MDC.put("association", id);
        boolean slot = false;
        try (socket) {
            socket.setSoTimeout((int) settings.idleTimeout().toMillis());
            socket.setTcpNoDelay(true);
            AssociateRequestHeader rq = AssociateRequestHeader.read(socket.getInputStream());
            MDC.put("callingAe", rq.callingAe());
            if (!settings.aeTitle().equals(rq.calledAe())) {
                reject(
                        socket,
                        rq,
                        "called-ae",
                        AssociateRequestHeader.RESULT_PERMANENT,
                        AssociateRequestHeader.SOURCE_SERVICE_USER,
                        AssociateRequestHeader.REASON_CALLED_AE_NOT_RECOGNIZED);
                return;
            }
            if (!allowedCallingAes.isEmpty() && !allowedCallingAes.contains(rq.callingAe())) {
                reject(
                        socket,
                        rq,
                        "calling-ae",
                        AssociateRequestHeader.RESULT_PERMANENT,
                        AssociateRequestHeader.SOURCE_SERVICE_USER,
                        AssociateRequestHeader.REASON_CALLING_AE_NOT_RECOGNIZED);
                return;
            }
            slot = slots.tryAcquire();
            if (!slot) {
                reject(
                        socket,
                        rq,
                        "local-limit",
                        AssociateRequestHeader.RESULT_TRANSIENT,
                        AssociateRequestHeader.SOURCE_SERVICE_PROVIDER_PRESENTATION,
                        AssociateRequestHeader.REASON_LOCAL_LIMIT_EXCEEDED);
                return;
            }
            active.incrementAndGet();
            metrics.counter("cxr.ingest.associations", "result", "accepted", "reason", "none")
                    .increment();
            Association association = AssociationFactory.createNewAssociation(
                    new PrefixedSocket(socket, rq.bytes()),
                    settings.aeTitle(),
                    AssociationFactory.getDefaultMaximumLengthReceived(),
                    AssociationFactory.getDefaultReceiveBufferSize(),
                    AssociationFactory.getDefaultSendBufferSize(),
                    new AnyExplicitStorePresentationContextSelectionPolicy());
            LOG.debugf("association %d accepted from %s (%s)", id, rq.callingAe(), socket.getRemoteSocketAddress());
            serveRequests(association, id);
        } catch (SocketException e) {
            LOG.debugf("association %d closed: %s", id, e.getMessage());
        } catch (Exception e) {
            LOG.warnf("association %d ended abnormally: %s", id, e.toString());
        } finally {
            if (slot) {
                active.decrementAndGet();
                slots.release();
            }
            MDC.remove("association");
            MDC.remove("callingAe");
        }
    }

    private void serveRequests(Association association, int id) throws Exception {
        int requests = 0;
        while (true) {
            DimseHandler handler = new DimseHandler(incomingDir, settings.maxInstanceBytes());
            try {
                association.setReceivedDataHandler(handler);
                association.waitForPDataPDUsUntilHandlerReportsDone();
                byte[] response;
                if (handler.isEcho()) {
                    response = handler.echoResponse();
                } else if (handler.isTooLarge()) {
                    metrics.counter("cxr.ingest.instances.rejected", "reason", "too-large")
                            .increment();
                    response = handler.storeResponse(StoreOutcome.failure(
                            DicomStatus.OUT_OF_RESOURCES,
                            "data set exceeds " + settings.maxInstanceBytes() + " bytes"));
                } else {
                    response = handler.storeResponse(deliver(handler));
                }
                association.send(handler.presentationContextId(), response, null);
                requests++;
            } catch (AReleaseException e) {
                LOG.debugf("association %d released after %d requests", id, requests);
                return; // the peer released: normal end
            } finally {
                handler.discard(); // no-op once the sink took the file
            }
        }
    }

    private StoreOutcome deliver(DimseHandler handler) {
        StoreRequest request = handler.storeRequest();
        MDC.put("sopInstanceUid", String.valueOf(request.sopInstanceUid()));
        try {
            StoreOutcome outcome = sink.store(request);
            return outcome == null ? StoreOutcome.failure(DicomStatus.PROCESSING_FAILURE, "no outcome") : outcome;
        } catch (RuntimeException e) {
            LOG.errorf(e, "instance %s: unexpected failure", request.sopInstanceUid());
            return StoreOutcome.failure(
                    DicomStatus.PROCESSING_FAILURE,
                    "processing failure: " + e.getClass().getSimpleName());
        } finally {
            MDC.remove("sopInstanceUid");
        }
    }

    private void reject(Socket socket, AssociateRequestHeader rq, String reason, int result, int source, int code)
            throws IOException {
        metrics.counter("cxr.ingest.associations", "result", "rejected", "reason", reason)
                .increment();
        LOG.warnf(
                "association from %s (%s) to %s rejected: %s",
                rq.callingAe(), socket.getRemoteSocketAddress(), rq.calledAe(), reason);
        AssociateRequestHeader.reject(socket.getOutputStream(), result, source, code);
        // Let the peer read the A-ASSOCIATE-RJ before the close.
        socket.shutdownOutput();
        socket.getInputStream().skip(Long.MAX_VALUE);
    }

    @Override
    public synchronized void close() {
        running = false;
        try {
            if (serverSocket != null) {
                serverSocket.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
