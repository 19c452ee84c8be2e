namespace Neuromorphic.Datasets.Download;

/// <summary>A download that failed in a way the user can act on (network, checksum, size); the message says what to do.</summary>
public sealed class DatasetDownloadException(string message, Exception? inner = null) : Exception(message, inner);
