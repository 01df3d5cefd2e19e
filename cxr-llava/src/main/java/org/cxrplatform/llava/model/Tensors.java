package org.cxrplatform.llava.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.cxrplatform.llava.checkpoint.Checkpoint;

/** Moves checkpoint tensors onto the engine: widened to float32 on read, then cast to the compute dtype. */
final class Tensors {

  private final Checkpoint checkpoint;
  private final NDManager manager;
  private final DataType dtype;

  Tensors(Checkpoint checkpoint, NDManager manager, DataType dtype) {
    this.checkpoint = checkpoint;
    this.manager = manager;
    this.dtype = dtype;
  }

  NDArray load(String name) {
    long[] shape = checkpoint.shape(name);
    NDArray fp32 = manager.create(checkpoint.floats(name), new Shape(shape));
    fp32.setName(name);
    if (dtype == DataType.FLOAT32) {
      return fp32;
    }
    NDArray cast = fp32.toType(dtype, false);
    fp32.close();
    return cast;
  }

  DataType dtype() {
    return dtype;
  }
}
