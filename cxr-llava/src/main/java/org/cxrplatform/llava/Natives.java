package org.cxrplatform.llava;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.Properties;

/**
 * The PyTorch natives this build carries (the CPU build, or the CUDA build with {@code -Dcuda}) and
 * the start-up checks that refuse, in one line naming the fix, what they cannot run.
 *
 * <p>The natives are always in the build, so nothing is fetched at run time: unless told otherwise,
 * DJL runs offline ({@code ai.djl.offline=true}). Without that, DJL answers natives that do not
 * match the machine (the CUDA build where no NVIDIA driver is visible) by downloading another libtorch.
 */
public final class Natives {

    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private Natives() {}

    /**
     * The flavour of the PyTorch natives on the class path, from their {@code native/lib/pytorch.properties}:
     * "cpu", "cu124", ..., or "none".
     */
    public static String bundledFlavour() {
        try {
            Enumeration<URL> found = Natives.class.getClassLoader().getResources("native/lib/pytorch.properties");
            String flavour = "none";
            while (found.hasMoreElements()) {
                Properties p = new Properties();
                try (InputStream in = found.nextElement().openStream()) {
                    p.load(in);
                }
                flavour = p.getProperty("flavor", flavour);
            }
            return flavour;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the PyTorch natives' description", e);
        }
    }

    /** Starts DJL's PyTorch engine; a failure becomes one line naming the natives and what they need. */
    public static Engine engine() {
        try {
            return Engine.getEngine("PyTorch");
        } catch (RuntimeException e) {
            throw new SetupException(startFailure(bundledFlavour(), rootMessage(e)), e);
        }
    }

    static String startFailure(String flavour, String cause) {
        if (flavour.startsWith("cu")) {
            return "the PyTorch engine did not start (" + cause + "): this is the CUDA build (pytorch-native-" + flavour
                    + "), which needs a visible NVIDIA GPU and a driver for CUDA " + cudaVersion(flavour)
                    + " or newer; on a machine without one, use the CPU build";
        }
        return "the PyTorch engine did not start (" + cause + ") with the natives of flavour " + flavour;
    }

    /**
     * The DJL device for {@code options}.
     *
     * @throws SetupException when a GPU is asked of the CPU build, or of a CUDA build that sees too few
     *     GPUs, or fp16 of a CPU whose natives multiply it more slowly than fp32
     */
    static Device device(RuntimeOptions options) {
        Engine engine = engine();
        int gpu = options.gpuIndex();
        if (gpu < 0) {
            String refusal = cpuDtypeRefusal(options.dtype(), engine.getVersion());
            if (refusal != null) {
                throw new SetupException(refusal);
            }
            return Device.cpu();
        }
        boolean cudaBuild = engine.hasCapability(StandardCapabilities.CUDA);
        String refusal = gpuRefusal(options.device(), gpu, cudaBuild, cudaBuild ? engine.getGpuCount() : 0);
        if (refusal != null) {
            throw new SetupException(refusal);
        }
        return Device.gpu(gpu);
    }

    /** Why {@code device} cannot run on these natives, or null when it can. */
    static String gpuRefusal(String device, int index, boolean cudaBuild, int gpus) {
        if (!cudaBuild) {
            return "device " + device + " needs the CUDA build of the PyTorch natives, but this build carries the CPU "
                    + "build (pytorch-native-cpu): build with -Dcuda (cxr-llava/README.md, \"CUDA build\") or use device cpu";
        }
        if (index >= gpus) {
            return "device " + device + " requested but the CUDA build sees " + gpus + " CUDA device(s): give the "
                    + "container a GPU (nvidia.com/gpu) and check NVIDIA_VISIBLE_DEVICES, or use device cpu";
        }
        return null;
    }

    /**
     * Why {@code dtype} cannot run on the CPU with libtorch {@code version}, or null when it can: fp16
     * needs 2.7 or newer, the first with a CPU kernel that multiplies an fp16 weight by a few rows at the
     * memory's speed (with 2.5.1, the CUDA build's, fp16 products are 3-8× slower than fp32: BENCHMARKS.md).
     */
    static String cpuDtypeRefusal(String dtype, String version) {
        if (!dtype.equals("fp16") || atLeast(version, 2, 7)) {
            return null;
        }
        return "dtype fp16 on the CPU needs PyTorch 2.7 or newer natives, but this build carries PyTorch " + version
                + ", whose CPU fp16 products are slower than fp32 (cxr-llava/BENCHMARKS.md): use dtype fp32, "
                + "or the CPU build (without -Dcuda)";
    }

    /** Whether "major.minor[.patch]" is at least major.minor. */
    private static boolean atLeast(String version, int major, int minor) {
        String[] parts = version.split("[.-]");
        int ma = Integer.parseInt(parts[0]);
        int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        return ma > major || (ma == major && mi >= minor);
    }

    /** "cu124" → "12.4". */
    private static String cudaVersion(String flavour) {
        String digits = flavour.substring(2);
        return digits.length() < 2
                ? digits
                : digits.substring(0, digits.length() - 1) + "." + digits.charAt(digits.length() - 1);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String own = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return t == e ? own : own + ": " + t.getMessage();
    }
}
