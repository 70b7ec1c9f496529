// Inf-Net for Fiji: segment a CT volume (NIfTI .nii/.nii.gz, a DICOM series folder, or a TIFF stack) and
// measure the infection burden: per slice and per volume infected mm^2 / mL, lung mL and infected % of lung.
// Writes NAME_prob.tif, NAME_mask.tif, NAME_lungs.tif and NAME_burden.csv into the output folder.
// Fiji / ImageJ: Plugins>Inf-Net>Examples>Segment Volume. Headless:
//   java -jar Inf_Net.jar macro Segment_Volume.ijm "/data/patient1.nii.gz,/data/out,infnet-compact"
args = getArgument();
if (args == "") {
    volume = File.openDialog("CT volume (NIfTI, DICOM file of a series, or TIFF stack)");
    output = getDirectory("Output folder");
    model = getString("Model (name or folder)", "infnet-compact");
} else {
    a = split(args, ",");
    volume = a[0]; output = a[1]; model = a[2];
}
if (!endsWith(output, File.separator)) output = output + File.separator;
File.makeDirectory(output);
setBatchMode(true);
lower = toLowerCase(volume);
if (endsWith(lower, ".dcm")) volume = File.getParent(volume); // a DICOM file stands for its series folder
title = call("org.infnet.ij1.OpenImage.open", volume);
if (startsWith(title, "error:")) exit(title);
name = replace(replace(title, ".nii.gz", ""), ".nii", "");
name = replace(name, ".tif", "");
run("Clear Results");
run("Segment Lung Infection", "model=[" + model + "] threshold=0.5 results lungs overlay");
base = File.nameWithoutExtension;
selectImage(1);
images = newArray(nImages);
for (i = 1; i <= nImages; i++) {
    selectImage(i);
    t = getTitle();
    if (endsWith(t, "_probability")) saveAs("Tiff", output + name + "_prob.tif");
    else if (endsWith(t, "_mask")) saveAs("Tiff", output + name + "_mask.tif");
    else if (endsWith(t, "_lung")) saveAs("Tiff", output + name + "_lungs.tif");
}
saveAs("Results", output + name + "_burden.csv");
last = nResults - 1;
print(name + ": infected " + d2s(getResult("Infected (mL)", last), 1) + " mL, lungs "
    + d2s(getResult("Lung (mL)", last), 1) + " mL, burden " + d2s(getResult("Burden (%)", last), 2) + " %");
