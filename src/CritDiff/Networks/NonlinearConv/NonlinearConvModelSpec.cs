using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>A nonlinear local convolutional network.</summary>
public sealed record NonlinearConvModelSpec(ConvSpec Conv) : ScoreModelSpec
{
    /// <inheritdoc />
    public override string Name => Conv.Name;

    /// <inheritdoc />
    public override bool IsLinear => false;

    /// <inheritdoc />
    public override long ParameterCount(Lattice lattice, int components) => Conv.ParameterCount(lattice, components);

    /// <inheritdoc />
    public override void Validate(Lattice lattice) => Conv.Validate(lattice);

    /// <inheritdoc />
    public override ScoreModel Create(Lattice lattice, int components, int maxThreads = 0)
    {
        Conv.Validate(lattice);
        return new NonlinearConvNetwork(lattice, components, Conv, maxThreads);
    }

    /// <inheritdoc />
    public override int HiddenChannels => Conv.Channels * Conv.Depth;
}
