package dev.easel.engine.scheduler;

/** The element-wise array arithmetic the samplers need, as tight loops on float arrays. */
final class Tensors {

    private Tensors() {
    }

    /** {@code a·x} */
    static float[] scale(float[] x, double a) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (a * x[i]);
        }
        return out;
    }

    /** {@code a·x + b·y} */
    static float[] axpby(double a, float[] x, double b, float[] y) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (a * x[i] + b * y[i]);
        }
        return out;
    }
}
