package org.cxrplatform.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RIS peer answered by a real HAPI client and by plain sockets, in both its HL7 and its below-HL7
 * misbehaviour, and in its TLS mode by JDK TLS clients with and without the certificate it trusts.
 */
class RisPeerTest {

    private final HapiContext client = new DefaultHapiContext();
    private final RisPeer ris = new RisPeer(0).start();

    RisPeerTest() {
        client.setValidationContext(ValidationContextFactory.noValidation());
    }

    @AfterEach
    void close() throws IOException {
        ris.close();
        client.close();
    }

    static String oru(String controlId, String accession) {
        return "MSH|^~\\&|CXR_AI|CXR_PLATFORM|RIS|HOSPITAL|20260101000000||ORU^R01^ORU_R01|" + controlId + "|P|2.5.1\r"
                + "PID|1||P42^^^HOSP||DOE^JANE||19500102|F\r"
                + "OBR|1|" + accession + "|" + accession + "|24627-2^Chest X-ray^LN|||20260101000000|||||||||||"
                + accession + "||||20260101000000|||P\r"
                + "OBX|1|TX|18782-3^Radiology Study observation (narrative)^LN|1|Small left pleural effusion.||||||P\r"
                + "OBX|2|TX|18782-3^Radiology Study observation (narrative)^LN|1|No pneumothorax.||||||P\r"
                + "OBX|3|CWE|60046008^Pleural effusion^SCT|1|52101004^Present^SCT||||||P\r"
                + "OBX|4|ST|AI-MODEL^AI model^L|1|m@1/p||||||P\r";
    }

    private Message send(String er7) throws Exception {
        Message message = client.getPipeParser().parse(er7);
        var connection = client.newClient("127.0.0.1", ris.port(), false);
        try {
            return connection.getInitiator().sendAndReceive(message);
        } finally {
            connection.close();
        }
    }

    @Test
    void anOruIsAcceptedWithItsTextAndCodedFindingsAndAScriptedReplyIsAnswered() throws Exception {
        assertThat(new Terser(send(oru("C1", "ACC1"))).get("/MSA-1")).isEqualTo("AA");
        RisPeer.Oru oru = ris.forAccession("ACC1").get(0);
        assertThat(oru.controlId()).isEqualTo("C1");
        assertThat(oru.patientId()).isEqualTo("P42");
        assertThat(oru.resultStatus()).isEqualTo("P");
        assertThat(oru.text()).isEqualTo("Small left pleural effusion.\nNo pneumothorax.");
        assertThat(oru.findings()).containsExactly(java.util.Map.entry("60046008", "52101004"));
        assertThat(oru.findingNames()).containsExactly(java.util.Map.entry("Pleural effusion", "Present"));
        assertThat(oru.modelVersion()).isEqualTo("m@1/p");

        ris.script(RisPeer.Reply.AE, RisPeer.Reply.WRONG_CONTROL_ID);
        assertThat(new Terser(send(oru("C2", "ACC2"))).get("/MSA-1")).isEqualTo("AE");
        // HAPI's client waits for the ACK naming its message, so this one is read off the socket
        assertThat(exchange(oru("C2", "ACC2"))).contains("MSA|AA|NOT-C2");
        assertThat(new Terser(send(oru("C2", "ACC2"))).get("/MSA-1")).isEqualTo("AA");
        assertThat(ris.arrivals()).containsExactly("C1", "C2", "C2", "C2");
        assertThat(ris.forAccession("ACC2")).hasSize(1);
        assertThat(ris.duplicateAccessions()).isEmpty();
    }

    @Test
    void belowHl7ItHangsUpOrAnswersGarbageThenAnswersCorrectlyUntilStartedAgain() throws Exception {
        ris.misbehave(RisPeer.HANG_UP, Mllp.frame("HTTP/1.1 400 Bad Request\r\n"));
        assertThat(exchange(oru("R1", "ACC3"))).as("hung up").isNull();
        try (Socket s = connect()) {
            s.getOutputStream().write(Mllp.frame(oru("R1", "ACC3")));
            assertThat(Mllp.readFrame(s.getInputStream(), StandardCharsets.UTF_8))
                    .startsWith("HTTP/1.1 400");
            // a whole frame keeps the connection: the next message on it is answered correctly
            s.getOutputStream().write(Mllp.frame(oru("R1", "ACC3")));
            assertThat(Mllp.readFrame(s.getInputStream(), StandardCharsets.UTF_8))
                    .contains("MSA|AA|R1");
        }
        assertThat(ris.arrivals()).containsExactly("R1", "R1", "R1");
        assertThat(ris.forAccession("ACC3")).hasSize(1);

        assertThat(ris.misbehaviourLeft()).as("both broken answers served").isZero();

        ris.start();
        assertThat(new Terser(send(oru("R2", "ACC4"))).get("/MSA-1")).isEqualTo("AA");
        ris.stop();
        assertThat(exchange(oru("R3", "ACC5"))).as("refused while stopped").isNull();
    }

    @Test
    void theHookAndEachOruKnowTheSendersPort() throws Exception {
        java.util.List<Integer> hookPorts = new java.util.concurrent.CopyOnWriteArrayList<>();
        ris.beforeAnswerFrom((accession, senderPort) -> hookPorts.add(senderPort));
        try (Socket s = connect()) {
            s.getOutputStream().write(Mllp.frame(oru("S1", "ACC6")));
            assertThat(Mllp.readFrame(s.getInputStream(), StandardCharsets.UTF_8))
                    .contains("MSA|AA|S1");
            assertThat(hookPorts).containsExactly(s.getLocalPort());
            assertThat(ris.forAccession("ACC6").get(0).senderPort()).isEqualTo(s.getLocalPort());
        }
    }

    @Test
    void overTlsItAnswersOnlyAClientWithTheTrustedCertificate(@TempDir Path keys) throws Exception {
        TestTls.Identity server = TestTls.make(keys, "ris", TestTls.LOOPBACK);
        TestTls.Identity client = TestTls.make(keys, "client", TestTls.LOOPBACK);
        TestTls.Identity stranger = TestTls.make(keys, "stranger", TestTls.LOOPBACK);
        try (RisPeer tls = RisPeer.tls(0, server, client).start()) {
            assertThat(tlsExchange(client.context(true, server), tls.port(), oru("T1", "ACC-T1")))
                    .contains("MSA|AA|T1");
            assertThat(tls.forAccession("ACC-T1")).hasSize(1);

            assertThat(tlsExchange(client.context(false, server), tls.port(), oru("T2", "ACC-T2")))
                    .as("no client certificate")
                    .isNull();
            assertThat(tlsExchange(stranger.context(true, server), tls.port(), oru("T3", "ACC-T3")))
                    .as("a client certificate the RIS does not trust")
                    .isNull();
            assertThat(tls.arrivals()).containsExactly("T1");
        }
    }

    /** {@link Mllp#exchangeTls}, with a failed handshake or a broken connection as null. */
    private static String tlsExchange(SSLContext ctx, int port, String er7) {
        try {
            return Mllp.exchangeTls(ctx, port, er7);
        } catch (IOException e) {
            return null;
        }
    }

    /** One frame over a new connection; null when the connection is refused or closed without an answer. */
    private String exchange(String er7) {
        try (Socket s = connect()) {
            s.getOutputStream().write(Mllp.frame(er7));
            return Mllp.readFrame(s.getInputStream(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", ris.port()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }
}
