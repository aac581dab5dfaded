namespace CritDiff.Experiments;

/// <summary>One observable of <see cref="SampleGenerationRun.ObservableRows"/>; non-finite values are null.</summary>
/// <param name="Name">Observable name.</param>
/// <param name="Value">Generated value.</param>
/// <param name="Error">Its standard error.</param>
public sealed record SampleObservableRow(string Name, double? Value, double? Error)
{
    /// <summary>True when the reference has a value for this observable.</summary>
    public bool HasReference { get; init; }

    /// <summary>Reference value.</summary>
    public double? Reference { get; init; }

    /// <summary>Reference error (as stored).</summary>
    public double? ReferenceError { get; init; }

    /// <summary>(value - reference) / combined error.</summary>
    public double? Z { get; init; }

    /// <summary>True when there are importance weights.</summary>
    public bool HasWeights { get; init; }

    /// <summary>Self-normalised reweighted value.</summary>
    public double? Reweighted { get; init; }

    /// <summary>Its error.</summary>
    public double? ReweightedError { get; init; }

    /// <summary>Independence-Metropolis chain value.</summary>
    public double? Chain { get; init; }

    /// <summary>Its error.</summary>
    public double? ChainError { get; init; }

    /// <summary>(reweighted - reference) / combined error.</summary>
    public double? ReweightedZ { get; init; }
}
