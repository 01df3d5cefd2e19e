package org.cxrplatform.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.message.ACK;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.SourceStudy;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.ingest.IngestNode;
import org.cxrplatform.ingest.backlog.PacsClient;
import org.cxrplatform.ingest.config.IngestConfig;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.ingest.support.HL7Orders;
import org.cxrplatform.ingest.support.TestConfig;
import org.cxrplatform.ingest.support.TestNodes;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.Orthanc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HL7 orders from a real HAPI MLLP client; the studies sit in a real Orthanc and are never pushed:
 * completing the order retrieves them by accession number into the order's lane. The same scenario
 * runs with ORM^O01 and with OMI^O23 messages.
 */
class OrderRetrievalTest {

    @TempDir
    Path tmp;

    /** Builds one order message, see {@link HL7Orders}. */
    interface OrderMessage {
        String build(
                String id,
                String control,
                String status,
                String accession,
                String priority,
                String patientClass,
                String procedure);
    }

    @Test
    void completedOrmOrdersPullTheirStudiesIntoTheOrdersLaneAndMalformedOnesAreRefused() throws Exception {
        scenario(HL7Orders::orm, 5151);
    }

    @Test
    void completedOmiOrdersPullTheirStudiesIntoTheOrdersLaneAndMalformedOnesAreRefused() throws Exception {
        scenario(HL7Orders::omi, 5252);
    }

    private void scenario(OrderMessage msg, long seed) throws Exception {
        List<SampleStudies.Sample> samples = SampleStudies.write(tmp.resolve("s"), seed);
        SampleStudies.Sample routineTagsStatOrder = samples.get(0); // CR PA, nothing STAT in its tags
        SampleStudies.Sample routineOrder = samples.get(2); // DX PA
        SampleStudies.Sample pushedFirst = samples.get(4); // DX PA, pushed before its order completes
        int mllp = FreePorts.next();

        try (IngestNode node = TestNodes.start(tmp.resolve("spool"));
                Orthanc pacs = Orthanc.in(tmp.resolve("orthanc"))
                        .modality(TestNodes.AE, node.port())
                        .start();
                EventCollector events = new EventCollector();
                HapiContext client = new DefaultHapiContext()) {
            Dcmtk.Result load = Dcmtk.storescu(
                    "LOADER",
                    pacs.aeTitle(),
                    pacs.dicomPort(),
                    List.of(),
                    samples.stream().map(SampleStudies.Sample::file).toList());
            assertThat(load.ok()).as(load.output()).isTrue();
            PacsClient pacsClient = new PacsClient("127.0.0.1", pacs.dicomPort(), pacs.aeTitle(), TestNodes.AE);
            IngestConfig.Orders settings = TestConfig.of(Map.of(
                            "cxr.ingest.orders.mllp-port",
                            String.valueOf(mllp),
                            "cxr.ingest.orders.retrieve-attempts",
                            "3",
                            "cxr.ingest.orders.retry-delay",
                            "1s"))
                    .orders();
            try (OrderService orders = new OrderService(
                            settings,
                            new OrderStore(tmp.resolve("orders")),
                            new PushedAccessions(tmp.resolve("orders/pushed.log"), Duration.ofDays(1)),
                            pacsClient)
                    .start()) {
                node.pipeline().orderHook(orders);
                client.setValidationContext(ValidationContextFactory.noValidation());
                client.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
                Connection c = client.newClient("127.0.0.1", mllp, false);

                // STAT order (priority S), then routine order (outpatient, no priority), a hand order (ignored).
                assertAck(
                        c,
                        client,
                        msg.build(
                                "M1",
                                "NW",
                                "",
                                routineTagsStatOrder.accessionNumber(),
                                "S",
                                "O",
                                "36643-5^XR Chest 2 Views^LN"),
                        "AA");
                assertAck(
                        c,
                        client,
                        msg.build("M2", "NW", "", routineOrder.accessionNumber(), "", "O", "RAD77^CHEST XR PA^L"),
                        "AA");
                assertAck(
                        c,
                        client,
                        msg.build(
                                "M3", "NW", "", pushedFirst.accessionNumber(), "", "E", "RAD78^XR CHEST AP PORTABLE^L"),
                        "AA");
                assertAck(c, client, msg.build("M4", "NW", "", "ACC-HAND", "", "O", "RAD90^XR HAND 3 VIEWS^L"), "AA");
                assertThat(orders.order("ACC-HAND")).isEmpty();
                assertThat(orders.order(routineTagsStatOrder.accessionNumber())
                                .orElseThrow()
                                .lane())
                        .isEqualTo(Lane.STAT);
                assertThat(orders.order(pushedFirst.accessionNumber())
                                .orElseThrow()
                                .lane())
                        .as("PV1-2 E")
                        .isEqualTo(Lane.STAT);

                // Malformed: no accession number anywhere -> AE with the reason.
                Message bad =
                        client.getPipeParser().parse(msg.build("M5", "NW", "", "", "", "O", "36643-5^XR Chest^LN"));
                ACK nack = (ACK) c.getInitiator().sendAndReceive(bad);
                assertThat(nack.getMSA().getAcknowledgmentCode().getValue()).isEqualTo("AE");
                assertThat(nack.encode()).contains("accession");

                // One study arrives by push before its order completes: no retrieval, but the order's lane.
                Dcmtk.Result push = Dcmtk.storescu(
                        TestNodes.ROUTER, TestNodes.AE, node.port(), List.of(), List.of(pushedFirst.file()));
                assertThat(push.ok()).as(push.output()).isTrue();
                // Taken into the spool at the success; it counts as pushed once processed, as here before the
                // order completes (a modality's push precedes the completion by minutes).
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> !studyEvents(events, List.of(pushedFirst.sopInstanceUid()))
                                .isEmpty());

                // Completion (ORC-1 SC, ORC-5 CM) triggers the retrieval.
                for (SampleStudies.Sample s : List.of(routineTagsStatOrder, routineOrder, pushedFirst)) {
                    assertAck(
                            c,
                            client,
                            msg.build(
                                    "C-" + s.accessionNumber(),
                                    "SC",
                                    "CM",
                                    s.accessionNumber(),
                                    "",
                                    "O",
                                    "36643-5^XR Chest^LN"),
                            "AA");
                }
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> orders.order(routineTagsStatOrder.accessionNumber())
                                                .orElseThrow()
                                                .state()
                                        == Order.State.RETRIEVED
                                && orders.order(routineOrder.accessionNumber())
                                                .orElseThrow()
                                                .state()
                                        == Order.State.RETRIEVED);
                assertThat(orders.order(pushedFirst.accessionNumber())
                                .orElseThrow()
                                .state())
                        .isEqualTo(Order.State.PUSHED);

                List<String> sops = List.of(
                        routineTagsStatOrder.sopInstanceUid(),
                        routineOrder.sopInstanceUid(),
                        pushedFirst.sopInstanceUid());
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> studyEvents(events, sops).size() >= 3);
                Map<String, List<ConsumerRecord<String, byte[]>>> bySop = studyEvents(events, sops).stream()
                        .collect(Collectors.groupingBy(
                                r -> EventJson.read(r.value(), StudyEvent.class).sopInstanceUid()));
                assertThat(bySop.get(routineTagsStatOrder.sopInstanceUid()))
                        .singleElement()
                        .satisfies(r -> assertThat(r.topic()).isEqualTo(Topics.STUDIES_STAT));
                assertThat(bySop.get(routineOrder.sopInstanceUid()))
                        .singleElement()
                        .satisfies(r -> assertThat(r.topic()).isEqualTo(Topics.STUDIES_ROUTINE));
                assertThat(bySop.get(pushedFirst.sopInstanceUid()))
                        .as("pushed once, not retrieved again")
                        .singleElement()
                        .satisfies(r -> assertThat(r.topic()).isEqualTo(Topics.STUDIES_STAT));
                StudyEvent stat = EventJson.read(
                        bySop.get(routineTagsStatOrder.sopInstanceUid()).get(0).value(), StudyEvent.class);
                assertThat(stat.priorityReason()).contains("HL7 order").contains("priority S");
                // the results are filed with the order: its placer number and universal service id travel on
                assertThat(stat.source().orderSource()).isEqualTo("HL7");
                assertThat(stat.source().placerOrderNumber())
                        .isEqualTo("PLC-" + routineTagsStatOrder.accessionNumber());
                assertThat(stat.source().procedure())
                        .isEqualTo(new SourceStudy.Procedure("36643-5", "LN", "XR Chest 2 Views"));
                assertThat(stat.source().seriesInstanceUid()).isEqualTo(stat.seriesInstanceUid());
                assertThat(stat.source().sopClassUid())
                        .isEqualTo(stat.acquisition().sopClassUid());
                StudyEvent routine = EventJson.read(
                        bySop.get(routineOrder.sopInstanceUid()).get(0).value(), StudyEvent.class);
                assertThat(routine.source().procedure())
                        .isEqualTo(new SourceStudy.Procedure("RAD77", "L", "CHEST XR PA"));
                c.close();
            }
        }
    }

    private static void assertAck(Connection c, HapiContext ctx, String er7, String code) throws Exception {
        Message response = c.getInitiator().sendAndReceive(ctx.getPipeParser().parse(er7));
        String text = response.encode();
        assertThat(text).as(text).contains("MSA|" + code);
    }

    static List<ConsumerRecord<String, byte[]>> studyEvents(EventCollector events, List<String> sops) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : events.poll()) {
            if (!r.topic().equals(Topics.DLQ)
                    && sops.contains(EventJson.read(r.value(), StudyEvent.class).sopInstanceUid())) {
                out.add(r);
            }
        }
        return out;
    }
}
