// Startup macro for doc/make-screenshot.sh: segments a phantom slice in the gui mode, shows the overlay,
// captures the screen into the file given as argument, and quits.
args = split(getArgument(), ",");
open(args[0]);
run("Segment Lung Infection", "model=infnet-compact threshold=0.5 overlay rois");
selectImage(1);
setLocation(10, 130);
selectImage(2);
setLocation(560, 130);
selectImage(3);
close();
wait(3000);
run("Capture Screen");
saveAs("PNG", args[1]);
run("Quit");
