using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Services;

namespace PxePowerShell;

/// <summary>
/// Lets an -Server parameter of type IPAddress (Test-PxeServer) take a server object of the session as well: the server
/// becomes the address it listens on (127.0.0.1 for one bound to every address); anything else is left for PowerShell
/// to convert.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ServerAddressTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
        (inputData is PSObject wrapped ? wrapped.BaseObject : inputData) is IPxeService server && server.EndPoints.Count > 0
            ? server.EndPoints[0].Address is var a && (a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any)) ? IPAddress.Loopback : server.EndPoints[0].Address
            : inputData;
}
