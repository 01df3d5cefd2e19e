package org.cxrplatform.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.cxrplatform.devstack.FreePorts;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * A real syslog collector: Debian's rsyslog ({@code /usr/sbin/rsyslogd}, package {@code rsyslog},
 * TLS from {@code rsyslog-gnutls}) with its own configuration in a folder of the test's. It listens
 * on two free ports: plain TCP and TLS (RFC 5425, server certificate for 127.0.0.1/localhost made by
 * {@link TestTls} at {@link Setup#start}, {@link #caCert()}), accepts octet-counted and
 * newline-framed messages up to 256 kB, and writes each message it parsed as one JSON line
 * ({@link #received()}). {@link #stop} and {@link #start} keep ports and what was received (the
 * collector is down for a while).
 *
 * <pre>{@code
 * try (Rsyslog collector = Rsyslog.in(dir).start()) {
 *     ... send to 127.0.0.1:collector.tcpPort() ...
 *     collector.await(m -> m.msgId().equals("DICOM+RFC3881"), Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class Rsyslog extends ManagedProcess {

    private static final String BINARY = "/usr/sbin/rsyslogd";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One message as rsyslog parsed it (RFC 5424 fields; {@code input} is {@code tcp} or {@code tls}). */
    public record Message(
            int pri, String hostname, String appName, String procId, String msgId, String input, String msg) {

        /** The message body without the UTF-8 BOM RFC 5424 puts before a UTF-8 MSG. */
        public String text() {
            return msg.startsWith("\uFEFF") ? msg.substring(1) : msg;
        }

        /** The body parsed as XML (a DICOM audit message); fails if it is not well-formed. */
        public Document xml() {
            try {
                DocumentBuilderFactory f =
                        DocumentBuilderFactory.newDefaultInstance(); // the JDK's, whatever else is on the class path
                f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                return f.newDocumentBuilder().parse(new InputSource(new StringReader(text())));
            } catch (ParserConfigurationException | SAXException | IOException e) {
                throw new AssertionError("not well-formed XML: " + text(), e);
            }
        }

        /** An XPath expression's string value over {@link #xml()}, e.g. {@code /AuditMessage/EventIdentification/EventID/@csd-code}. */
        public String xpath(String expression) {
            try {
                return XPathFactory.newDefaultInstance().newXPath().evaluate(expression, xml());
            } catch (XPathExpressionException e) {
                throw new IllegalArgumentException(expression, e);
            }
        }

        /** True for a DICOM audit message with this EventID code (e.g. 110110). */
        public boolean isAuditEvent(String eventId) {
            return msgId.equals("DICOM+RFC3881")
                    && text().startsWith("<AuditMessage")
                    && xpath("/AuditMessage/EventIdentification/EventID/@csd-code")
                            .equals(eventId);
        }
    }

    private final Path dir;
    private final TestTls.Identity identity;
    private final int tcpPort;
    private final int tlsPort;

    private Rsyslog(Path dir, Path config, TestTls.Identity identity, int tcpPort, int tlsPort) {
        super(
                "rsyslog",
                List.of(
                        BINARY,
                        "-n",
                        "-f",
                        config.toString(),
                        "-i",
                        dir.resolve("rsyslogd.pid").toString()),
                Map.of(),
                dir.resolve("rsyslog.log"));
        this.dir = dir;
        this.identity = identity;
        this.tcpPort = tcpPort;
        this.tlsPort = tlsPort;
    }

    public static Setup in(Path dir) {
        return new Setup(dir);
    }

    public static final class Setup {
        private final Path dir;

        private Setup(Path dir) {
            this.dir = dir;
        }

        /** Makes the certificate, writes the configuration, starts rsyslog and waits until it listens. */
        public Rsyslog start() {
            int tcp = FreePorts.next();
            int tls = FreePorts.next();
            TestTls.Identity identity = TestTls.makeRsa(dir, "collector", TestTls.LOOPBACK);
            Path config = dir.resolve("rsyslog.conf");
            try {
                Files.writeString(config, """
                        global(workDirectory="%1$s" maxMessageSize="256k" net.enableDNS="off"
                               defaultNetstreamDriverCAFile="%4$s"
                               defaultNetstreamDriverCertFile="%4$s"
                               defaultNetstreamDriverKeyFile="%5$s")
                        module(load="imtcp")
                        input(type="imtcp" port="%2$d" address="127.0.0.1" name="tcp")
                        input(type="imtcp" port="%3$d" address="127.0.0.1" name="tls"
                              streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
                        template(name="cxrjson" type="list" option.jsonf="on") {
                          property(outname="pri" name="pri" format="jsonf")
                          property(outname="hostname" name="hostname" format="jsonf")
                          property(outname="appName" name="app-name" format="jsonf")
                          property(outname="procId" name="procid" format="jsonf")
                          property(outname="msgId" name="msgid" format="jsonf")
                          property(outname="input" name="inputname" format="jsonf")
                          property(outname="msg" name="msg" format="jsonf")
                        }
                        action(type="omfile" file="%1$s/received.jsonl" template="cxrjson")
                        """.formatted(dir, tcp, tls, identity.certPem(), identity.keyPem()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Rsyslog(dir, config, identity, tcp, tls).startAndWait(Duration.ofSeconds(30));
        }
    }

    /** Starts (again, same ports, same received file) and waits until the plain TCP port accepts. */
    public Rsyslog startAndWait(Duration timeout) {
        start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!accepts(tcpPort) || !accepts(tlsPort)) {
            if (!alive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("rsyslog did not start, log " + log() + ":\n" + tail(40));
            }
            ServiceProcess.sleep(100);
        }
        return this;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int tcpPort() {
        return tcpPort;
    }

    public int tlsPort() {
        return tlsPort;
    }

    /** The PEM certificate the TLS port presents (self-signed: it is its own CA). */
    public Path caCert() {
        return identity.certPem();
    }

    /** Every message received so far, oldest first. */
    public List<Message> received() {
        Path file = dir.resolve("received.jsonl");
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Message> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                out.add(new Message(
                        n.path("pri").asInt(),
                        n.path("hostname").asText(),
                        n.path("appName").asText(),
                        n.path("procId").asText(),
                        n.path("msgId").asText(),
                        n.path("input").asText(),
                        n.path("msg").asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Waits until a received message matches; returns it, or fails naming what did arrive. */
    public Message await(Predicate<Message> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Message m : received()) {
                if (match.test(m)) {
                    return m;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("rsyslog received no matching message within " + timeout + "; received "
                        + received().size() + ", log:\n" + tail(20));
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
