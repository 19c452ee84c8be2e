namespace Neuromorphic.Interop.Nir;

/// <summary>A NIR file that cannot be read as a graph: the message names the file, the node and field, and what was expected.</summary>
public sealed class NirFormatException(string message, Exception? inner = null) : Exception(message, inner);
