// Startup macro for doc/make-screenshot.sh (gui mode): opens a CT-like slice, runs Segment Lung Infection from
// its dialog (the script photographs the dialog and presses OK), runs it again with lungs and measurements (which
// replaces the first run's overlay), and arranges the windows.
args = split(getArgument(), ",");
open(args[0]);
ct = getTitle();
setLocation(0, 120);
run("Segment Lung Infection");
selectImage(ct);
if (args.length > 1) File.saveString("ready", args[1]);
run("Segment Lung Infection", "model=infnet-compact threshold=0.5 overlay rois results lungs");
wait(2000); // the new windows appear asynchronously
base = substring(ct, 0, lastIndexOf(ct, "."));
selectImage(ct);
if (args.length > 1) File.saveString("ready", args[1]);
setLocation(0, 120);
selectImage(base + "_mask");
setLocation(530, 120);
selectImage(base + "_probability");
setLocation(1060, 120);
selectImage(base + "_lung");
setLocation(1400, 700);
Table.setLocationAndSize(0, 640, 1050, 200, "Results");
selectWindow("ROI Manager");
setLocation(1060, 640);
selectImage(ct);
if (args.length > 1) File.saveString("ready", args[1]);
