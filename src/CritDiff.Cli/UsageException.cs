namespace CritDiff.Cli;

/// <summary>Bad input: printed as one line "error: ..." and exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A run that stopped for a reason the user must act on (e.g. divergence): exit code 3.</summary>
internal sealed class RunFailedException(string message) : Exception(message);
