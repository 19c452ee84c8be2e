namespace Neuromorphic.Tensors;

/// <summary>How the border added around an image is filled.</summary>
public enum PaddingMode
{
    /// <summary>Constant zeros (PyTorch <c>padding_mode="zeros"</c>).</summary>
    Zeros,

    /// <summary>Mirror image that does not repeat the edge pixel (PyTorch <c>F.pad(mode="reflect")</c>):
    /// a row 1 2 3 padded by 2 becomes 3 2 1 2 3 2 1. Needs padding &lt; size.</summary>
    Reflect,
}
