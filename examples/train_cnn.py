"""Image classifier training script with argparse hyperparameters (needs torch to run)."""
import argparse

parser = argparse.ArgumentParser(description="Train a small CNN")
parser.add_argument("--lr", "--learning-rate", type=float, default=0.05, help="initial learning rate")
parser.add_argument("--momentum", type=float, default=0.9, help="SGD momentum")
parser.add_argument("--wd", "--weight-decay", dest="weight_decay", type=float, default=5e-4)
parser.add_argument("-b", "--batch-size", type=int, default=128)
parser.add_argument("--epochs", type=int, default=20)
parser.add_argument("-j", "--workers", type=int, default=4, help="data-loader workers")
parser.add_argument("--data", default="./data", help="dataset folder")

if __name__ == "__main__":
    args = parser.parse_args()
    print(args)
