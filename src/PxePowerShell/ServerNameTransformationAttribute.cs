using System.Collections;
using System.Management.Automation;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Services;

namespace PxePowerShell;

/// <summary>
/// Lets a -Server parameter of type string[] take server objects (Get-PxeServer, Start-Pxe*) as well as names: each
/// server becomes its Name; anything else is left for PowerShell to convert.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ServerNameTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            IPxeService server => server.Name,
            string => value,
            IEnumerable items => items.Cast<object?>().Select(i => (i is PSObject p ? p.BaseObject : i) is IPxeService s ? s.Name : i).ToArray(),
            _ => inputData,
        };
    }
}
