package dev.easel.engine.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.TensorInfo;
import dev.easel.engine.Timings;
import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs {@code unet/model.onnx} once per step ({@code sample}, {@code timestep},
 * {@code encoder_hidden_states} → {@code out_sample}). With classifier-free guidance the batch is doubled
 * — unconditional rows first, then conditional — and combined as {@code u + g·(c − u)}
 * (Ho &amp; Salimans 2022, eq. 6; diffusers' StableDiffusionPipeline.__call__).
 */
public final class Denoiser implements AutoCloseable {

    private final OnnxComponent component;
    private final String output;
    private final OnnxJavaType timestepType;
    private final long[] timestepShape;
    private final int inChannels;

    Denoiser(OnnxComponent component) {
        this.component = component;
        component.input("encoder_hidden_states");
        TensorInfo timestep = component.input("timestep");
        // float32 timesteps are passed as they are; other types get the rounded step as an integer (int32 or int64).
        this.timestepType = timestep.type == OnnxJavaType.FLOAT || timestep.type == OnnxJavaType.INT32 ? timestep.type : OnnxJavaType.INT64;
        // Optimum ≥ 1.24 declares a scalar timestep, older exports a [steps] vector; either gets one value, in its own rank
        // (as Optimum's ORTUnet.forward does).
        this.timestepShape = timestep.getShape().length == 0 ? new long[0] : new long[] {1};
        long[] sampleShape = component.input("sample").getShape();
        this.inChannels = sampleShape.length == 4 && sampleShape[1] > 0 ? (int) sampleShape[1] : 4;
        this.output = component.output("out_sample");
    }

    /** Channels of the UNet's input: 4 for text-to-image UNets, 9 for inpainting UNets (latents ‖ mask ‖ masked image). */
    public int inChannels() {
        return inChannels;
    }

    public ExecutionProvider provider() {
        return component.provider();
    }

    /**
     * The UNet set up for one generation: {@code batch} samples of {@code inChannels × h × w} in,
     * {@code outChannels × h × w} out. {@code context} holds the unconditional states followed by the
     * conditional ones when guided, else only the conditional ones; it is copied once, here.
     */
    public Bound bind(int batch, int inChannels, int outChannels, int h, int w, TextEncoder.Encoded context, double guidance) {
        return new Bound(batch, inChannels, outChannels, h, w, context, guidance);
    }

    /**
     * The UNet's tensors for one generation, allocated once in native memory and shared with ONNX Runtime:
     * the text context is written at binding time, the sample and timestep are rewritten in place every step,
     * and {@code out_sample} is a pinned output that ONNX Runtime fills directly. A step therefore creates no
     * tensor; it only writes the sample into native memory and reads the prediction back.
     */
    public final class Bound implements AutoCloseable {

        private final boolean guided;
        private final float guidance;
        private final int inSize;
        private final int outSize;
        private final FloatBuffer sample;
        private final Buffer timestep;
        private final FloatBuffer out;
        private final float[] raw;
        private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        private final Map<String, OnnxTensor> outputs;

        private Bound(int batch, int inChannels, int outChannels, int h, int w, TextEncoder.Encoded context, double guidance) {
            this.guided = context.batch() == 2 * batch;
            this.guidance = (float) guidance;
            int rows = guided ? 2 * batch : batch;
            this.inSize = batch * inChannels * h * w;
            this.outSize = batch * outChannels * h * w;
            this.sample = (FloatBuffer) OnnxComponent.direct(OnnxJavaType.FLOAT, rows * inChannels * h * w);
            this.timestep = OnnxComponent.direct(timestepType, 1);
            this.out = (FloatBuffer) OnnxComponent.direct(OnnxJavaType.FLOAT, rows * outChannels * h * w);
            this.raw = new float[guided ? 2 * outSize : 0];
            FloatBuffer states = (FloatBuffer) OnnxComponent.direct(OnnxJavaType.FLOAT, context.states().length);
            states.put(0, context.states());
            try {
                inputs.put("sample", component.shared(sample, rows, inChannels, h, w));
                inputs.put("timestep", component.shared(timestep, timestepShape));
                inputs.put("encoder_hidden_states", component.shared(states, context.batch(), context.tokens(), context.hidden()));
                this.outputs = Map.of(output, component.shared(out, rows, outChannels, h, w));
            } catch (RuntimeException e) {
                inputs.values().forEach(OnnxTensor::close);
                throw e;
            }
        }

        /** The guided model output for {@code input} ({@code [batch, inChannels, h, w]}) at {@code t}. */
        public float[] predict(float[] input, float t, Timings timings) {
            if (input.length != inSize) {
                throw new IllegalArgumentException("sample has " + input.length + " values, the binding " + inSize);
            }
            sample.put(0, input);
            if (guided) {
                sample.put(inSize, input);
            }
            switch (timestep) {
                case FloatBuffer floats -> floats.put(0, t);
                case LongBuffer longs -> longs.put(0, Math.round(t));
                case IntBuffer ints -> ints.put(0, Math.round(t));
                default -> throw new IllegalStateException("timestep buffer " + timestep);
            }
            component.run(inputs, outputs, timings, Timings.Stage.DENOISING);
            float[] result = new float[outSize];
            if (!guided) {
                out.get(0, result);
                return result;
            }
            out.get(0, raw);
            for (int i = 0; i < outSize; i++) {
                float u = raw[i];
                result[i] = u + guidance * (raw[outSize + i] - u);
            }
            return result;
        }

        @Override
        public void close() {
            inputs.values().forEach(OnnxTensor::close);
            outputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        component.close();
    }
}
