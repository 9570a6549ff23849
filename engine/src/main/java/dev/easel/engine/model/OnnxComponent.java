package dev.easel.engine.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.easel.engine.EngineException;
import dev.easel.engine.Timings;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** One ONNX model of a package (text encoder, UNet, VAE half): its session plus typed input helpers. */
class OnnxComponent implements AutoCloseable {

    private final String name;
    private final OnnxSessions.Loaded loaded;
    // ONNX Runtime builds this map through the JNI on every getInputInfo call; the inputs never change.
    private final Map<String, NodeInfo> inputs;

    OnnxComponent(String name, OnnxSessions.Loaded loaded) {
        this.name = name;
        this.loaded = loaded;
        try {
            this.inputs = Map.copyOf(loaded.session().getInputInfo());
        } catch (OrtException e) {
            throw new EngineException("model_invalid", name + ": " + e.getMessage(), false, e);
        }
    }

    ExecutionProvider provider() {
        return loaded.provider();
    }

    OrtSession session() {
        return loaded.session();
    }

    /** The declared tensor info of an input, or a load error naming what the package lacks. */
    TensorInfo input(String input) {
        NodeInfo info = inputs.get(input);
        if (info == null) {
            throw new EngineException("model_invalid", name + " has no input '" + input + "' (has " + inputs.keySet() + ")", false, null);
        }
        return (TensorInfo) info.getInfo();
    }

    /** The name of the single output, or of the named one when the model has several. */
    String output(String preferred) {
        var names = session().getOutputNames();
        if (names.contains(preferred)) {
            return preferred;
        }
        if (names.size() == 1) {
            return names.iterator().next();
        }
        throw new EngineException("model_invalid", name + " has no output '" + preferred + "' (has " + names + ")", false, null);
    }

    OnnxTensor floats(float[] data, long... shape) {
        try {
            return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(data), shape);
        } catch (OrtException e) {
            throw failure(e);
        }
    }

    /** An integer tensor in whatever integer type the input declares (Optimum exports use int64 or int32). */
    OnnxTensor integers(String input, long[] data, long... shape) {
        try {
            OnnxJavaType type = input(input).type;
            if (type == OnnxJavaType.INT32) {
                int[] narrow = new int[data.length];
                for (int i = 0; i < data.length; i++) {
                    narrow[i] = Math.toIntExact(data[i]);
                }
                return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), IntBuffer.wrap(narrow), shape);
            }
            return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), LongBuffer.wrap(data), shape);
        } catch (OrtException e) {
            throw failure(e);
        }
    }

    /** A buffer of {@code n} values of {@code type} in native memory, which a tensor can share with ONNX Runtime. */
    static Buffer direct(OnnxJavaType type, int n) {
        ByteBuffer bytes = ByteBuffer.allocateDirect(n * type.size).order(ByteOrder.nativeOrder());
        return switch (type) {
            case FLOAT -> bytes.asFloatBuffer();
            case INT64 -> bytes.asLongBuffer();
            case INT32 -> bytes.asIntBuffer();
            default -> throw new IllegalArgumentException("no direct buffer for " + type);
        };
    }

    /**
     * A tensor over a direct buffer from {@link #direct}: ONNX Runtime reads the buffer's memory in place,
     * and writes into it when the tensor is passed as a pinned output, so refilling the buffer between runs
     * needs no new tensor and no copy through the JNI.
     */
    OnnxTensor shared(Buffer buffer, long... shape) {
        try {
            return switch (buffer) {
                case FloatBuffer floats -> OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), floats, shape);
                case LongBuffer longs -> OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), longs, shape);
                case IntBuffer ints -> OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), ints, shape);
                default -> throw new IllegalArgumentException("no tensor over a " + buffer.getClass().getSimpleName());
            };
        } catch (OrtException e) {
            throw failure(e);
        }
    }

    /**
     * Runs the session with caller-owned inputs and pinned outputs (tensors from {@link #shared}, which ONNX
     * Runtime fills in place) and adds the time of the {@code run} call to {@code timings}.
     */
    void run(Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> outputs, Timings timings, Timings.Stage stage) {
        long start = System.nanoTime();
        try (OrtSession.Result pinned = session().run(inputs, outputs)) {
            timings.addSession(stage, System.nanoTime() - start);
        } catch (OrtException e) {
            throw failure(e);
        }
    }

    /** Runs the session, adds its time to {@code timings} and returns the named float output, copied out. */
    float[] run(Map<String, OnnxTensor> inputs, String output, Timings timings, Timings.Stage stage) {
        Map<String, OnnxTensor> ordered = new LinkedHashMap<>(inputs);
        long start = System.nanoTime();
        try (OrtSession.Result result = session().run(ordered)) {
            timings.addSession(stage, System.nanoTime() - start);
            OnnxTensor tensor = (OnnxTensor) result.get(output)
                    .orElseThrow(() -> new EngineException("model_invalid", name + " produced no '" + output + "'", false, null));
            // getFloatBuffer already copies the native output onto the heap; its array is ours to keep.
            FloatBuffer buffer = tensor.getFloatBuffer();
            if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.array().length == buffer.remaining()) {
                return buffer.array();
            }
            float[] values = new float[buffer.remaining()];
            buffer.get(values);
            return values;
        } catch (OrtException e) {
            throw failure(e);
        } finally {
            ordered.values().forEach(OnnxTensor::close);
        }
    }

    private EngineException failure(OrtException e) {
        // Provider errors (out of device memory, a lost GPU) may pass on another attempt or worker.
        return new EngineException("inference_failed", name + " failed on " + provider().wireName() + ": " + e.getMessage(), true, e);
    }

    @Override
    public void close() {
        try {
            session().close();
        } catch (OrtException e) {
            throw new EngineException("inference_failed", "closing " + name + ": " + e.getMessage(), false, e);
        }
    }
}
