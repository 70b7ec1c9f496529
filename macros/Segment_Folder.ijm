// Inf-Net for Fiji: segment every image in a folder with the bundled (or a chosen) model.
// Writes NAME_prob.tif (32-bit probability), NAME_mask.png (0/255) and NAME_edge.tif per slice.
// Works in Fiji and in plain ImageJ 1.x, with or without a display:
//   ImageJ-linux64 --headless -macro Segment_Folder.ijm "/data/slices,/data/out,infnet-compact,0.5"
args = getArgument();
if (args == "") {
    input = getDirectory("Folder of CT slices");
    output = getDirectory("Output folder");
    model = getString("Model (name or folder)", "infnet-compact");
    threshold = getNumber("Threshold", 0.5);
} else {
    a = split(args, ",");
    input = a[0]; output = a[1]; model = a[2]; threshold = parseFloat(a[3]);
}
result = call("org.infnet.cli.MacroFunctions.run",
    "segment \"" + input + "\" --output \"" + output + "\" --model \"" + model + "\" --threshold " + threshold + " --edges");
if (startsWith(result, "error:")) exit(result);
print(result);
