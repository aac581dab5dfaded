using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>
/// A typed score-model architecture, parsed once from its command-line name: a linear network
/// (<see cref="LinearModelSpec"/>: one-layer, two-layer-local:R, ...) or a nonlinear convolutional one
/// (<see cref="ConvModelSpec"/>: conv:C:R[:D][:act][:odd]). <see cref="Create"/> builds the per-slice
/// <see cref="ScoreModel"/> for a lattice and n components.
/// </summary>
public abstract record ScoreModelSpec
{
    /// <summary>The name as on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>True for a network linear in x.</summary>
    public abstract bool IsLinear { get; }

    /// <summary>Real parameters per time slice on <paramref name="lattice"/> with n components.</summary>
    public abstract long ParameterCount(Lattice lattice, int components);

    /// <summary>Checks the architecture fits the lattice; throws <see cref="ArgumentException"/> with the reason.</summary>
    public abstract void Validate(Lattice lattice);

    /// <summary>A fresh per-slice model (validated).</summary>
    public abstract ScoreModel Create(Lattice lattice, int components);

    /// <summary>Parses conv:... as a <see cref="ConvSpec"/>, anything else as a linear <see cref="Architecture"/>; throws <see cref="FormatException"/>.</summary>
    public static ScoreModelSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().StartsWith("conv", StringComparison.OrdinalIgnoreCase)
            ? new ConvModelSpec(ConvSpec.Parse(text))
            : new LinearModelSpec(Architecture.Parse(text));
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A linear network (its n components are independent copies sharing the kernels).</summary>
public sealed record LinearModelSpec(Architecture Architecture, ParameterBasis Basis = ParameterBasis.Kernel) : ScoreModelSpec
{
    /// <inheritdoc />
    public override string Name => Architecture.Name;

    /// <inheritdoc />
    public override bool IsLinear => true;

    /// <inheritdoc />
    public override long ParameterCount(Lattice lattice, int components) => Architecture.ParameterCount(lattice);

    /// <inheritdoc />
    public override void Validate(Lattice lattice) => Architecture.Validate(lattice);

    /// <inheritdoc />
    public override ScoreModel Create(Lattice lattice, int components) => new LinearScoreModel(lattice, components, Architecture, Basis);
}

/// <summary>A nonlinear local convolutional network.</summary>
public sealed record ConvModelSpec(ConvSpec Conv) : ScoreModelSpec
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
    public override ScoreModel Create(Lattice lattice, int components)
    {
        Conv.Validate(lattice);
        return new ConvScoreNetwork(lattice, components, Conv);
    }
}
