// Build-time tool: turns docs/cmdlets/*.md into MAML help, and writes the sample boot root.
// (placeholder body replaced by the help builder work)
return 0;
