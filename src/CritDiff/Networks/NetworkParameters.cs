namespace CritDiff.Networks;

/// <summary>
/// The mutable parameters of one network for one time slice: one array per layer, in the layout
/// its <see cref="LinearMomentNetwork"/> defines (kernel entries at the layer's support offsets; for Fourier
/// parameters, V real parts then V imaginary parts; for dense, W row-major). The caller owns it.
/// </summary>
public sealed class NetworkParameters
{
    /// <summary>Zero parameters with the given array lengths per layer.</summary>
    public NetworkParameters(IReadOnlyList<int> lengths)
    {
        Layers = lengths.Select(n => new double[n]).ToArray();
    }

    /// <summary>One array per layer (first-applied layer first).</summary>
    public double[][] Layers { get; }

    /// <summary>Total number of stored reals.</summary>
    public long Length => Layers.Sum(l => (long)l.Length);

    /// <summary>A deep copy.</summary>
    public NetworkParameters Clone()
    {
        var copy = new NetworkParameters(Layers.Select(l => l.Length).ToArray());
        copy.CopyFrom(this);
        return copy;
    }

    /// <summary>Copies values from another set with the same layout.</summary>
    public void CopyFrom(NetworkParameters other)
    {
        for (int j = 0; j < Layers.Length; j++) other.Layers[j].AsSpan().CopyTo(Layers[j]);
    }

    /// <summary>True when every value is finite.</summary>
    public bool IsFinite() => Layers.All(l => l.All(double.IsFinite));

    /// <summary>Euclidean norm over all layers.</summary>
    public double Norm() => Math.Sqrt(Layers.Sum(l => System.Numerics.Tensors.TensorPrimitives.SumOfSquares<double>(l)));
}
