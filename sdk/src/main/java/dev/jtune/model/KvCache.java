package dev.jtune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for the positions already run, so that decoding one more token costs one
 * position's work instead of the whole sequence's. Preallocated to {@code capacity} positions and written in place.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;   // per layer (B, nKv, capacity, hd)
    private final NDArray[] values; // per layer (B, nKv, capacity, hd)
    private final int capacity;
    private int length;

    public KvCache(LlamaConfig config, int batchSize, int capacity, NDManager parent) {
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.keys = new NDArray[config.numLayers()];
        this.values = new NDArray[config.numLayers()];
        Shape shape = new Shape(batchSize, config.numKvHeads(), capacity, config.headDim());
        for (int i = 0; i < keys.length; i++) {
            keys[i] = manager.zeros(shape, DataType.FLOAT32);
            values[i] = manager.zeros(shape, DataType.FLOAT32);
        }
    }

    /** Positions already held. */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Stores layer {@code layer}'s new keys and values k, v (B, nKv, T, hd) after the held positions and returns
     * views of everything held so far, two arrays (B, nKv, length + T, hd).
     */
    NDList update(int layer, NDArray k, NDArray v) {
        long t = k.getShape().get(2);
        if (length + t > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " + " + t + " > capacity " + capacity);
        }
        NDIndex fresh = new NDIndex().addAllDim(2).addSliceDim(length, length + t);
        keys[layer].set(fresh, k);
        values[layer].set(fresh, v);
        NDIndex held = new NDIndex().addAllDim(2).addSliceDim(0, length + t);
        NDList views = new NDList(keys[layer].get(held), values[layer].get(held));
        views.attach(k.getManager()); // the views live as long as this step's activations
        return views;
    }

    /** Marks {@code t} more positions as held; called once per forward pass, after every layer has updated. */
    void advance(int t) {
        length += t;
    }

    @Override
    public void close() {
        manager.close();
    }
}
