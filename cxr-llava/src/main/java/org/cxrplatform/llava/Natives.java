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
     * @throws SetupException when a GPU is asked of the CPU build, or of a CUDA build that sees too few GPUs
     */
    static Device device(RuntimeOptions options) {
        Engine engine = engine();
        int gpu = options.gpuIndex();
        if (gpu < 0) {
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
