package dev.patchmem.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.patchmem.model.Network;
import dev.patchmem.model.Params;
import java.util.List;

/**
 * Data parallelism over replicas of one network, one per device: the batch is split, each replica
 * runs forward and backward on its share with the loss weighted by the share's size, the gradients
 * are summed on the first replica, which takes the one optimizer step, and its weights are then
 * copied to the others. With one replica it is plain training. (DJL's EasyTrain multi-device path
 * does not join its futures; this loop does the same work explicitly.)
 */
public final class DataParallel {

    private final List<Network> replicas;

    /** {@code replicas.get(0)} is the main copy that the optimizer, EMA and checkpoints use. */
    public DataParallel(List<Network> replicas) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("data parallelism needs at least one replica");
        }
        this.replicas = List.copyOf(replicas);
        broadcast();
    }

    /** The main replica. */
    public Network main() {
        return replicas.get(0);
    }

    /** Number of replicas. */
    public int size() {
        return replicas.size();
    }

    /**
     * Mean squared error of the network outputs against {@code target} over the whole batch, with its
     * gradients accumulated into every replica's parameters. With one replica, {@code marks[2]}
     * (where {@code marks} is given) receives {@link System#nanoTime()} between the forward and the
     * backward pass; with several it is set to 0.
     */
    public double lossAndGradients(NDArray xt, NDArray t, NDArray c, NDArray target, long[] marks) {
        long batch = xt.getShape().get(0);
        if (replicas.size() == 1) {
            return backward(main(), xt, t, c, target, 1.0, marks).getFloat();
        }
        if (marks != null) {
            marks[2] = 0;
        }
        int parts = (int) Math.min(replicas.size(), batch);
        // Shares as equal as possible; NDArray.split(n) would cut pieces of floor(B / n) and leave a remainder.
        long[] bounds = new long[parts - 1];
        for (int r = 1; r < parts; r++) {
            bounds[r - 1] = r * batch / parts;
        }
        NDList xs = xt.split(bounds);
        NDList ts = t.split(bounds);
        NDList cs = c == null ? null : c.split(bounds);
        NDList ys = target.split(bounds);
        // Every replica's work is queued before any loss is read back: a read waits for its device, and
        // reading inside the loop would keep the next GPU idle until the previous one finished.
        NDArray[] losses = new NDArray[parts];
        for (int r = 0; r < parts; r++) {
            Network net = replicas.get(r);
            ai.djl.Device d = device(net);
            NDArray cr = cs == null ? null : cs.get(r).toDevice(d, false);
            losses[r] = backward(net, xs.get(r).toDevice(d, false), ts.get(r).toDevice(d, false), cr,
                    ys.get(r).toDevice(d, false), (double) xs.get(r).getShape().get(0) / batch, null);
        }
        double loss = 0;
        for (NDArray l : losses) {
            loss += l.getFloat();
        }
        return loss;
    }

    /**
     * The weighted loss, still on its device, after its backward pass has been queued; {@code marks[2]}
     * (where given) receives the time between the two passes.
     */
    private static NDArray backward(Network net, NDArray xt, NDArray t, NDArray c, NDArray target, double weight,
                                    long[] marks) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray l = net.forward(xt, t, c).sub(target).square().mean();
            NDArray weighted = weight == 1.0 ? l : l.mul((float) weight);
            if (marks != null) {
                marks[2] = System.nanoTime();
            }
            gc.backward(weighted);
            return weighted;
        }
    }

    /**
     * The gradients summed over the replicas as one vector laid out as {@link Params#flat()}, on the
     * main replica's device and owned by {@code m}; every replica's own gradients are zeroed.
     */
    public NDArray gradient(NDManager m) {
        NDArray grad = main().params().flatGradient(m);
        ai.djl.Device d = grad.getDevice();
        for (Network other : replicas.subList(1, replicas.size())) {
            grad = grad.add(other.params().flatGradient(m).toDevice(d, false));
        }
        return grad;
    }

    /** Copies the main replica's weights to the others. */
    public void broadcast() {
        NDArray source = main().params().flat();
        for (Network other : replicas.subList(1, replicas.size())) {
            NDArray target = other.params().flat();
            try (NDArray moved = source.toDevice(target.getDevice(), true)) {
                target.set(new ai.djl.ndarray.index.NDIndex().addSliceDim(0, target.size()), moved);
            }
        }
    }

    private static ai.djl.Device device(Network net) {
        return net.params().arrays().values().iterator().next().getDevice();
    }
}
