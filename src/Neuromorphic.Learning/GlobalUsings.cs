// System.Numerics.Tensors also defines a Tensor type; in this project Tensor always means ours.
global using Tensor = Neuromorphic.Tensors.Tensor;
