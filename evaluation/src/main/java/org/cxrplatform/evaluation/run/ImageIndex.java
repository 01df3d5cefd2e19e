package org.cxrplatform.evaluation.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the image of a label row in the images folder (searched recursively).
 *
 * <ul>
 *   <li>{@code path} / {@code image} / {@code id} keys: the longest trailing part of the key that
 *       is a path relative to the folder ({@code CheXpert-v1.0/valid/patient1/study1/view1_frontal.jpg}
 *       matches {@code valid/patient1/study1/view1_frontal.jpg} under the folder), else the file
 *       name without extension;</li>
 *   <li>{@code dicom_id}: the file name without extension (MIMIC-CXR-JPG's {@code <dicom_id>.jpg});</li>
 *   <li>{@code study_id}: an image under a folder named {@code s<study_id>} or {@code <study_id>}
 *       (MIMIC-CXR's {@code files/p10/p100.../s5xxxxxxx/}). The labels are per study but the model
 *       reads one image: with {@link #preferViews} (MIMIC-CXR-JPG's metadata CSV) a PA view is
 *       taken first, then AP, then any other; without it, the first image in path order.</li>
 * </ul>
 */
public final class ImageIndex {

    private final Path root;
    private final Map<String, Path> byRelative = new HashMap<>();
    private final Map<String, List<Path>> byStem = new HashMap<>();
    private final Map<String, List<Path>> byFolder = new HashMap<>();
    private Map<String, String> viewByStem = Map.of();

    private ImageIndex(Path root) {
        this.root = root;
    }

    public static ImageIndex scan(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("--images " + root + " is not a folder");
        }
        ImageIndex index = new ImageIndex(root);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> root.relativize(p).toString()))
                    .toList();
        }
        for (Path file : files) {
            String rel = relative(root, file);
            index.byRelative.put(rel, file);
            index.byStem
                    .computeIfAbsent(stem(file.getFileName().toString()), k -> new ArrayList<>())
                    .add(file);
            for (Path dir = file.getParent(); dir != null && !dir.equals(root); dir = dir.getParent()) {
                index.byFolder
                        .computeIfAbsent(dir.getFileName().toString(), k -> new ArrayList<>())
                        .add(file);
            }
        }
        return index;
    }

    public Optional<Path> find(String keyColumn, String key) {
        return switch (keyColumn) {
            case "dicom_id" -> first(byStem.get(key));
            case "study_id" -> bestView(byFolder.get("s" + key)).or(() -> bestView(byFolder.get(key)));
            default -> byPath(key);
        };
    }

    /**
     * Reads a metadata CSV with {@code dicom_id} and {@code ViewPosition} columns (MIMIC-CXR-JPG's
     * {@code mimic-cxr-2.0.0-metadata.csv}) so that per-study labels pick a frontal image.
     */
    public void preferViews(Path metadataCsv) throws IOException {
        List<List<String>> rows = org.cxrplatform.evaluation.labels.LabelsCsv.parse(Files.readString(metadataCsv));
        if (rows.isEmpty()) throw new IllegalArgumentException(metadataCsv + ": empty");
        int id = rows.get(0).indexOf("dicom_id"), view = rows.get(0).indexOf("ViewPosition");
        if (id < 0 || view < 0) {
            throw new IllegalArgumentException(
                    metadataCsv + ": needs dicom_id and ViewPosition columns, has " + rows.get(0));
        }
        Map<String, String> views = new HashMap<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            if (row.size() > Math.max(id, view))
                views.put(row.get(id).trim(), row.get(view).trim().toUpperCase(java.util.Locale.ROOT));
        }
        viewByStem = views;
    }

    private Optional<Path> bestView(List<Path> files) {
        if (files == null || files.isEmpty()) return Optional.empty();
        return files.stream()
                .min(Comparator.comparingInt((Path p) -> viewRank(p)).thenComparing(p -> relative(root, p)));
    }

    private int viewRank(Path file) {
        String view = viewByStem.get(stem(file.getFileName().toString()));
        if (view == null) return 3;
        return switch (view) {
            case "PA" -> 0;
            case "AP" -> 1;
            default -> 2;
        };
    }

    /** The image's path relative to the images folder, with '/' separators. */
    public String relative(Path file) {
        return relative(root, file);
    }

    private Optional<Path> byPath(String key) {
        String k = key.replace('\\', '/');
        while (k.startsWith("/")) k = k.substring(1);
        for (String tail = k; ; ) {
            Path hit = byRelative.get(tail);
            if (hit != null) {
                return Optional.of(hit);
            }
            int slash = tail.indexOf('/');
            if (slash < 0) break;
            tail = tail.substring(slash + 1);
        }
        String name = k.substring(k.lastIndexOf('/') + 1);
        List<Path> sameStem = byStem.get(stem(name));
        return sameStem != null && sameStem.size() == 1 ? Optional.of(sameStem.get(0)) : Optional.empty();
    }

    private static Optional<Path> first(List<Path> files) {
        return files == null || files.isEmpty() ? Optional.empty() : Optional.of(files.get(0));
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
