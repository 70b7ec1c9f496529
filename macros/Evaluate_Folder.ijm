// Inf-Net for Fiji: score probability maps against ground-truth masks with the paper's protocol
// (Dice/Sensitivity/Specificity over 256 thresholds, S-measure, E-measure, MAE).
// Prints the paper's line and writes evaluation.csv (per image) and evaluation_thresholds.csv (curves).
// Fiji / ImageJ: Plugins>Inf-Net>Examples>Evaluate Folder. Headless:
//   java -jar Inf_Net.jar macro Evaluate_Folder.ijm "/data/pred,/data/GT,/data/out"
args = getArgument();
if (args == "") {
    pred = getDirectory("Predictions (NAME_prob.tif or NAME.png)");
    gt = getDirectory("Ground-truth masks");
    output = getDirectory("Output folder for the CSV files");
} else {
    a = split(args, ",");
    pred = a[0]; gt = a[1]; output = a[2];
}
if (!endsWith(output, File.separator)) output = output + File.separator;
File.makeDirectory(output);
run("Evaluate Segmentation", "predictions=[" + pred + "] groundtruth=[" + gt + "] csv=[" + output + "evaluation.csv]");
