package org.cxrplatform.ingest.orders;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.cxrplatform.contracts.EventJson;

/**
 * Orders as small JSON files ({@code DATA/orders/<hex(accession)>.json}), written atomically
 * (temp file + rename) so a crash never leaves half an order. Thread-safe per order file.
 */
public final class OrderStore {

    private final Path dir;
    private final ObjectMapper mapper = EventJson.mapper();

    public OrderStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    public synchronized void save(Order order) {
        Path target = file(order.accessionNumber());
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try {
            mapper.writeValue(tmp.toFile(), order);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write order " + order.accessionNumber(), e);
        }
    }

    public synchronized List<Order> all() {
        List<Order> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                out.add(mapper.readValue(f.toFile(), Order.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read orders in " + dir, e);
        }
        return out;
    }

    private Path file(String accessionNumber) {
        return dir.resolve(HexFormat.of().formatHex(accessionNumber.getBytes(StandardCharsets.UTF_8)) + ".json");
    }
}
