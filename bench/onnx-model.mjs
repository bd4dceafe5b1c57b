// A tiny ONNX protobuf encoder, enough to emit the peer model the benchmark runs in
// onnxruntime-node: heatmaps [N, C, H, W] -> Reshape([-1, H*W]) -> ArgMax(axis 1) and ReduceMax
// (axis 1), i.e. one (index, score) per plane, with N and C left symbolic (a dynamic batch).
// Written from the ONNX protobuf schema (onnx.proto, IR version 8, opset 13); no dependency.

// ONNX TensorProto.DataType values.
const ELEM = { float32: 1, uint8: 2, int64: 7 };

// --- protobuf wire format: varints, tags, length-delimited fields --------------------------------

function varint(value) {
  let v = BigInt.asUintN(64, BigInt(value));
  const out = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}

// A fresh Uint8Array of its own (Buffer.concat may hand back a slice of a shared pool).
const concat = (parts) => new Uint8Array(Buffer.concat(parts));

// Field helpers: each returns the encoded bytes of one field (tag + payload).
const intField = (field, value) => Uint8Array.from([...varint((field << 3) | 0), ...varint(value)]);
const bytesField = (field, bytes) => concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(bytes.length)]), bytes]);
const stringField = (field, text) => bytesField(field, new TextEncoder().encode(text));
const messageField = (field, parts) => bytesField(field, concat(parts));

// --- ONNX messages --------------------------------------------------------------------------------

// TensorShapeProto.Dimension: dim_value = 1, dim_param = 2.
const dim = (d) => messageField(1, [typeof d === 'number' ? intField(1, d) : stringField(2, d)]);

// ValueInfoProto { name = 1, type = 2 { tensor_type = 1 { elem_type = 1, shape = 2 { dim = 1 } } } }.
function valueInfo(name, elemType, dims) {
  const tensorType = messageField(1, [intField(1, elemType), messageField(2, dims.map(dim))]);
  return [stringField(1, name), messageField(2, [tensorType])];
}

// AttributeProto { name = 1, i = 3, ints = 8, type = 20 (INT = 2, INTS = 7) }.
const intAttribute = (name, value) => [stringField(1, name), intField(3, value), intField(20, 2)];
const intsAttribute = (name, values) => [stringField(1, name), ...values.map((v) => intField(8, v)), intField(20, 7)];

// NodeProto { input = 1, output = 2, name = 3, op_type = 4, attribute = 5 }.
function node(opType, inputs, outputs, attributes = []) {
  return [
    ...inputs.map((x) => stringField(1, x)),
    ...outputs.map((x) => stringField(2, x)),
    stringField(3, `${opType.toLowerCase()}_${outputs[0]}`),
    stringField(4, opType),
    ...attributes.map((a) => messageField(5, a)),
  ];
}

// TensorProto { dims = 1, data_type = 2, name = 8, raw_data = 9 } holding int64 values.
function int64Initializer(name, values) {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return [intField(1, values.length), intField(2, ELEM.int64), stringField(8, name), bytesField(9, raw)];
}

/**
 * The argmax peer model for planes of `height` x `width` in `dtype` ('float32' | 'uint8').
 * Inputs: `heatmaps` [N, C, height, width]. Outputs: `index` int64 [N*C] (first index of the
 * maximum within each plane, row-major) and `score` [N*C] (the maximum, in the input's dtype).
 * @returns {Uint8Array} the serialized ModelProto
 */
export function argmaxModel({ dtype, height, width }) {
  const elem = ELEM[dtype];
  if (elem === undefined || dtype === 'int64') throw new Error(`argmaxModel: unsupported dtype ${dtype}`);
  if (!(Number.isSafeInteger(height) && height > 0 && Number.isSafeInteger(width) && width > 0)) {
    throw new Error(`argmaxModel: bad plane size ${height} x ${width}`);
  }
  const graph = [
    messageField(1, node('Reshape', ['heatmaps', 'rows_shape'], ['rows'])),
    messageField(1, node('ArgMax', ['rows'], ['index'], [intAttribute('axis', 1), intAttribute('keepdims', 0), intAttribute('select_last_index', 0)])),
    messageField(1, node('ReduceMax', ['rows'], ['score'], [intsAttribute('axes', [1]), intAttribute('keepdims', 0)])),
    stringField(2, `argmax_${dtype}_${height}x${width}`),
    messageField(5, int64Initializer('rows_shape', [-1, height * width])),
    messageField(11, valueInfo('heatmaps', elem, ['N', 'C', height, width])),
    messageField(12, valueInfo('index', ELEM.int64, ['planes'])),
    messageField(12, valueInfo('score', elem, ['planes'])),
  ];
  // ModelProto { ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 { domain = 1, version = 2 } }.
  return concat([
    intField(1, 8),
    stringField(2, 'coordconv-bench'),
    messageField(7, graph),
    messageField(8, [stringField(1, ''), intField(2, 13)]),
  ]);
}

// --- Conv peer model (encode.bench.mjs) ----------------------------------------------------------

// TensorProto holding float32 values: dims = 1 (repeated), data_type = 2, name = 8, raw_data = 9.
function float32Initializer(name, dims, values) {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return [...dims.map((d) => intField(1, d)), intField(2, ELEM.float32), stringField(8, name), bytesField(9, raw)];
}

/**
 * A Conv (+ optional Relu) model: input `x` [N, C, H, W] float32 (N symbolic), weight [O, C, kh, kw]
 * and bias [O] baked in as initializers, output `y` [N, O, H', W'].
 * @param {{ weight: Float32Array, weightShape: number[], bias: Float32Array, height: number, width: number,
 *   pads: number[], strides?: number[], dilations?: number[], relu?: boolean }} spec pads are [top, left, bottom, right]
 * @returns {Uint8Array} the serialized ModelProto
 */
export function convModel({ weight, weightShape, bias, height, width, pads, strides = [1, 1], dilations = [1, 1], relu = false }) {
  const [o, c, kh, kw] = weightShape;
  // ONNX orders pads as [top, left, bottom, right] (x1_begin, x2_begin, x1_end, x2_end).
  const conv = node('Conv', ['x', 'w', 'b'], [relu ? 'conv' : 'y'], [
    intsAttribute('kernel_shape', [kh, kw]),
    intsAttribute('pads', pads),
    intsAttribute('strides', strides),
    intsAttribute('dilations', dilations),
    intAttribute('group', 1),
  ]);
  const graph = [
    messageField(1, conv),
    ...(relu ? [messageField(1, node('Relu', ['conv'], ['y']))] : []),
    stringField(2, `conv_${o}x${c}x${kh}x${kw}`),
    messageField(5, float32Initializer('w', weightShape, Array.from(weight))),
    messageField(5, float32Initializer('b', [o], Array.from(bias))),
    messageField(11, valueInfo('x', ELEM.float32, ['N', c, height, width])),
    messageField(12, valueInfo('y', ELEM.float32, ['N', o, 'OH', 'OW'])),
  ];
  return concat([
    intField(1, 8),
    stringField(2, 'coordconv-bench'),
    messageField(7, graph),
    messageField(8, [stringField(1, ''), intField(2, 13)]),
  ]);
}
