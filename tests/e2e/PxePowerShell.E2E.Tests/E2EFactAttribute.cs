namespace PxePowerShell.E2E.Tests;

/// <summary>
/// A firmware boot test: skipped locally when PXEPOWERSHELL_SKIP_E2E=1, never skipped when CI is set (a CI run with
/// the variable fails instead, so the lab cannot be switched off there by accident).
/// </summary>
public sealed class E2EFactAttribute : FactAttribute
{
    /// <summary>Sets Skip from the environment.</summary>
    public E2EFactAttribute()
    {
        bool skip = Environment.GetEnvironmentVariable("PXEPOWERSHELL_SKIP_E2E") == "1";
        bool ci = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        if (skip && !ci)
        {
            Skip = "PXEPOWERSHELL_SKIP_E2E=1: firmware boots skipped (never in CI)";
        }

        Timeout = 0;
    }
}
