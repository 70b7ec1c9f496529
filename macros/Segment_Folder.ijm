// Inf-Net for Fiji: segment every CT slice of a folder.
// Writes NAME_prob.tif (32-bit infection probability), NAME_mask.png (0/255) per slice and summary.csv
// (per slice: infected pixels, mm^2, mean probability).
// Fiji / ImageJ: Plugins>Inf-Net>Examples>Segment Folder. Headless:
//   java -jar Inf_Net.jar macro Segment_Folder.ijm "/data/slices,/data/out,infnet-compact,0.5"
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
if (!endsWith(input, File.separator)) input = input + File.separator;
if (!endsWith(output, File.separator)) output = output + File.separator;
File.makeDirectory(output);
setBatchMode(true);
run("Clear Results");
files = getFileList(input);
n = 0;
for (i = 0; i < files.length; i++) {
    f = files[i];
    lower = toLowerCase(f);
    if (!(endsWith(lower, ".png") || endsWith(lower, ".jpg") || endsWith(lower, ".tif") || endsWith(lower, ".tiff") || endsWith(lower, ".dcm")))
        continue;
    open(input + f);
    name = File.nameWithoutExtension;
    source = getTitle();
    run("Segment Lung Infection", "model=[" + model + "] threshold=" + threshold + " results");
    selectImage(name + "_probability");
    saveAs("Tiff", output + name + "_prob.tif");
    selectImage(name + "_mask");
    saveAs("PNG", output + name + "_mask.png");
    close("*");
    n++;
}
saveAs("Results", output + "summary.csv");
print("segmented " + n + " slices into " + output);
