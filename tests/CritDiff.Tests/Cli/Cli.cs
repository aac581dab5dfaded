using CritDiff.Cli;

namespace CritDiff.Tests.Cli;

/// <summary>Runs the critdiff tool in process, capturing stdout and stderr.</summary>
internal static class Cli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
