namespace Neuromorphic.Application;

/// <summary>A mistake of the user's (missing file, unknown name, bad value): shown as one line, exit code 2.</summary>
public sealed class UserErrorException(string message, Exception? inner = null) : Exception(message, inner);
