// The module's ErrorIds are the engine's one catalog (PxePowerShell.Engine.PxeErrorIds): the cmdlets and the engine's
// exceptions share every identifier, so no id is defined twice.
global using ErrorIds = PxePowerShell.Engine.PxeErrorIds;
