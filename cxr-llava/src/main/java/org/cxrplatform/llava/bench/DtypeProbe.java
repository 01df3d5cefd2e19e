package org.cxrplatform.llava.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * Which half-precision types DJL's PyTorch bridge can create and multiply, each tried in a child JVM
 * because a type the bridge does not know aborts the process ("terminate called without an active
 * exception"). Run it after a DJL upgrade to see whether bf16 became possible.
 *
 * <pre>java -cp cxr-llava/target/cxr-llava.jar org.cxrplatform.llava.bench.DtypeProbe</pre>
 */
public final class DtypeProbe {

    private DtypeProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2) {
            tryOne(DataType.valueOf(args[0]), args[1]);
            return;
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        for (DataType type : new DataType[] {DataType.FLOAT16, DataType.BFLOAT16}) {
            for (String how : new String[] {"create", "cast"}) {
                Process p = new ProcessBuilder(
                                java,
                                "-cp",
                                System.getProperty("java.class.path"),
                                DtypeProbe.class.getName(),
                                type.name(),
                                how)
                        .redirectErrorStream(true)
                        .start();
                String out = new String(p.getInputStream().readAllBytes()).trim();
                boolean done = p.waitFor(120, TimeUnit.SECONDS);
                String last = out.isEmpty() ? "" : out.substring(out.lastIndexOf('\n') + 1);
                System.out.printf(
                        "%-8s %-6s exit %s: %s%n", type, how, done ? Integer.toString(p.exitValue()) : "timeout", last);
            }
        }
    }

    /** Creates a 2×2 array of {@code type} from raw bytes or by casting float32, then multiplies it by itself. */
    private static void tryOne(DataType type, String how) {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray a;
            if (how.equals("create")) {
                ByteBuffer raw = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
                for (int i = 0; i < 4; i++) {
                    raw.putShort(
                            (short) 0x3c00); // 1.0 in fp16 (a small number in bf16): the bytes only have to be valid
                }
                a = m.create(raw.rewind(), new Shape(2, 2), type);
            } else {
                a = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)).toType(type, false);
            }
            NDArray product = a.matMul(a).toType(DataType.FLOAT32, false);
            System.out.println(
                    "ok: " + a.getDataType() + ", product " + java.util.Arrays.toString(product.toFloatArray()));
        }
    }
}
